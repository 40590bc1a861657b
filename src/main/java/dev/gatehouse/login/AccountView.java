package dev.gatehouse.login;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the account page shows.
 *
 * @param twoFactorSession whether this session's sign-in proved two factors
 * @param newRecoveryCodes codes just made, shown this once; empty otherwise
 * @param passkeyOptions WebAuthn creation options for the "add a passkey" form; empty when the user
 *     has a second factor and this session has not proved it (they step up first)
 */
public record AccountView(
    String username,
    String displayName,
    String groups,
    String csrf,
    List<SessionRow> sessions,
    List<DeviceRow> devices,
    @Nullable String pairingCode,
    @Nullable String pairingName,
    @Nullable String pairingLink,
    String passwordError,
    boolean twoFactorSession,
    boolean totp,
    String totpLastUsed,
    List<PasskeyRow> passkeys,
    int recoveryCodes,
    List<String> newRecoveryCodes,
    String passkeyOptions) {

  /** One session line. */
  public record SessionRow(
      String id,
      String userAgent,
      String ip,
      String lastSeen,
      boolean current,
      boolean twoFactor) {}

  /** One device line. */
  public record DeviceRow(String id, String name, String createdAt, String lastSeen) {}

  /** One passkey or security key. */
  public record PasskeyRow(
      String id, String name, String createdAt, String lastUsed, boolean synced) {}

  /** Whether any second factor is set up. */
  public boolean anyFactor() {
    return totp || !passkeys.isEmpty();
  }
}
