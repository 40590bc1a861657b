package dev.gatehouse.token;

import java.time.Instant;
import java.util.List;

/**
 * A user's remembered agreement to give a client these scopes: while it lasts, the client is not
 * asked about them again. {@code grantedAt} is when the user last agreed (to more scopes, or
 * again).
 */
public record Consent(String clientId, List<String> scopes, Instant grantedAt) {
  public Consent {
    scopes = List.copyOf(scopes);
  }
}
