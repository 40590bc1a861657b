package dev.gatehouse.token;

/** What a token request came to: tokens, or an RFC 6749 §5.2 error. */
public sealed interface Outcome {
  record Issued(TokenSet tokens) implements Outcome {}

  /**
   * @param error the protocol's error code, such as {@code invalid_grant}
   */
  record Refused(String error, String description) implements Outcome {}

  static Refused invalidGrant(String description) {
    return new Refused("invalid_grant", description);
  }
}
