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
  /** A user changed their own display name or email on the account page (details say which). */
  PROFILE_CHANGED,
  /** A remembered consent forgotten, and the client's grants from that user ended. */
  CONSENT_REVOKED,
  /** Any create, update or delete through the admin API. */
  ADMIN_CHANGE,
  CLIENT_SECRET_ROTATED,
  SIGNING_KEY_ROTATED,
  /** A used refresh token or authorization code presented again; its grant is revoked. */
  TOKEN_REUSE_DETECTED,
  /** A TOTP app, passkey or security key added (object says which). */
  SECOND_FACTOR_ADDED,
  /** One second factor removed, by its user or an admin; or all of them reset by an admin. */
  SECOND_FACTOR_REMOVED,
  /** A wrong TOTP code, passkey or recovery code at sign-in or step-up. */
  SECOND_FACTOR_FAILED,
  /** A recovery code was used to sign in (it is gone now). */
  RECOVERY_CODE_USED,
  /** New recovery codes replaced the old ones. */
  RECOVERY_CODES_GENERATED,
  /** A passkey's sign counter did not increase: the key may have been cloned. */
  PASSKEY_CLONE_SUSPECTED;

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
