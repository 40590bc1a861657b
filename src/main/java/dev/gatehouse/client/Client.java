package dev.gatehouse.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * An OAuth 2.0 / OIDC client. Its secret is stored only as a digest and never shown again. Token
 * lifetimes are in seconds.
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
    String signingAlg,
    int accessTokenLifetimeSeconds,
    int idTokenLifetimeSeconds,
    int refreshTokenLifetimeSeconds,
    Instant createdAt,
    Instant updatedAt) {}
