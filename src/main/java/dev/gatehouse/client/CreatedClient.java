package dev.gatehouse.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;

/** A client just created, with its secret: the only time the secret is shown. */
public record CreatedClient(
    @JsonUnwrapped Client client,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String clientSecret) {}
