package dev.gatehouse.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A client as the admin API sends it; on update, null leaves a field unchanged. */
public record ClientRequest(
    @Nullable String clientId,
    @Nullable String name,
    @Nullable List<String> redirectUris,
    @Nullable List<String> postLogoutRedirectUris,
    @Nullable List<String> grantTypes,
    @Nullable List<String> scopes,
    @JsonProperty("public") @Nullable Boolean publicClient,
    @Nullable Boolean firstParty,
    @Nullable Boolean requirePkce,
    @Nullable Boolean requireMfa,
    @Nullable String signingAlg,
    @Nullable String tokenEndpointAuthMethod,
    @Nullable Map<String, Object> jwks,
    @Nullable Integer accessTokenLifetimeSeconds,
    @Nullable Integer idTokenLifetimeSeconds,
    @Nullable Integer refreshTokenLifetimeSeconds) {}
