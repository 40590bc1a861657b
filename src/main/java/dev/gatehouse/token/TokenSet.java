package dev.gatehouse.token;

import org.jspecify.annotations.Nullable;

/** A token response (RFC 6749 §5.1), with the ID token when {@code openid} was granted. */
public record TokenSet(
    String accessToken,
    String tokenType,
    long expiresIn,
    @Nullable String refreshToken,
    @Nullable String idToken,
    String scope) {}
