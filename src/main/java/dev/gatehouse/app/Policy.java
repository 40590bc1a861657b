package dev.gatehouse.app;

import java.util.Locale;
import java.util.Optional;

/** What a matching rule requires of a request. */
public enum Policy {
  /** Anyone, signed in or not: health checks, share links. */
  PUBLIC,
  /** Any signed-in, enabled user. */
  AUTHENTICATED,
  /** A signed-in user in at least one of the rule's groups. */
  GROUPS,
  /**
   * A user whose sign-in proved two factors (password and a code or key, or a passkey that verified
   * the user), in one of the rule's groups when it names any. A one-factor session is sent to the
   * step-up page, not to a new sign-in.
   */
  TWO_FACTOR,
  /** Nobody. */
  DENY;

  public static Optional<Policy> parse(String text) {
    for (Policy policy : values()) {
      if (policy.text().equals(text)) {
        return Optional.of(policy);
      }
    }
    return Optional.empty();
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
