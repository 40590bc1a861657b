package dev.gatehouse.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An OAuth 2.0 / OIDC client. Its secret is stored only as a digest and never shown again. Token
 * lifetimes are in seconds. {@code jwks} is the JWK Set JSON of a {@code private_key_jwt} client.
 */
public record Client(
    String clientId,
    String name,
    List<String> redirectUris,
    List<String> postLogoutRedirectUris,
    List<String> grantTypes,
    List<String> scopes,
    @JsonProperty("public") boolean publicClient,
    boolean firstParty,
    boolean requirePkce,
    boolean requireMfa,
    String signingAlg,
    String tokenEndpointAuthMethod,
    @JsonRawValue @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String jwks,
    int accessTokenLifetimeSeconds,
    int idTokenLifetimeSeconds,
    int refreshTokenLifetimeSeconds,
    Instant createdAt,
    Instant updatedAt) {}
