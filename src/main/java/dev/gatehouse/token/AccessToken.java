package dev.gatehouse.token;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A verified access token's claims.
 *
 * @param grantId the authorization it came from; null for client_credentials tokens, which act for
 *     the client itself
 * @param multiFactor the sign-in behind it proved two factors ({@code acr} {@code mfa})
 */
public record AccessToken(
    String jti,
    String subject,
    String clientId,
    List<String> scopes,
    @Nullable String grantId,
    Instant issuedAt,
    Instant expiresAt,
    boolean multiFactor) {

  /** The user the token acts for; empty for a client's own token. */
  public Optional<String> userId() {
    return grantId == null ? Optional.empty() : Optional.of(subject);
  }
}
