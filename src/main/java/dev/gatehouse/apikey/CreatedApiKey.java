package dev.gatehouse.apikey;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A key just created, with its secret: the only time the secret is shown. */
public record CreatedApiKey(@JsonUnwrapped ApiKey key, String secret) {}
