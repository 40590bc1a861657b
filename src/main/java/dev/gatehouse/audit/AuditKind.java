package dev.gatehouse.audit;

import java.util.Locale;
import java.util.Optional;

/** What happened. On the wire (API, stdout, the table) each is its lower-case name. */
public enum AuditKind {
  SIGN_IN,
  SIGN_IN_FAILED,
  /** A sign-in or key check refused before checking the credential, for too many failures. */
  THROTTLED,
  /** An account locked after too many failures. */
  LOCKED_OUT,
  LOGOUT,
  SESSION_REVOKED,
  DEVICE_REVOKED,
  PASSWORD_CHANGED,
  /** Any create, update or delete through the admin API. */
  ADMIN_CHANGE,
  CLIENT_SECRET_ROTATED,
  SIGNING_KEY_ROTATED,
  /** A used refresh token or authorization code presented again; its grant is revoked. */
  TOKEN_REUSE_DETECTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AuditKind> parse(String wire) {
    for (AuditKind kind : values()) {
      if (kind.wire().equals(wire)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
