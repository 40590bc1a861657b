package dev.gatehouse.login;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the account page shows.
 *
 * @param admin whether the user may use the admin console (a member of {@code admins})
 * @param profileName the display name in the profile form: the stored one, or what was just sent
 *     when the form is shown again with an error; empty for none
 * @param email likewise for the email address
 * @param emailEditable whether the configuration lets users change their own email
 * @param errors messages by form field ({@code display_name}, {@code new_password}, ...), each
 *     shown next to its field; empty when nothing was refused
 * @param twoFactorSession whether this session's sign-in proved two factors
 * @param newRecoveryCodes codes just made, shown this once; empty otherwise
 * @param passkeyOptions WebAuthn creation options for the "add a passkey" form; empty when the user
 *     has a second factor and this session has not proved it (they step up first)
 */
public record AccountView(
    String username,
    String displayName,
    String groups,
    boolean admin,
    String csrf,
    String profileName,
    String email,
    boolean emailEditable,
    Map<String, String> errors,
    List<SessionRow> sessions,
    List<DeviceRow> devices,
    List<AppRow> apps,
    @Nullable String pairingCode,
    @Nullable String pairingName,
    @Nullable String pairingLink,
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

  /** One connected app: a client the user agreed to share {@code scopes} with. */
  public record AppRow(String clientId, String name, String scopes, String grantedAt) {}

  /** Whether any second factor is set up. */
  public boolean anyFactor() {
    return totp || !passkeys.isEmpty();
  }

  /** The message for {@code field}, or empty. */
  public String error(String field) {
    return errors.getOrDefault(field, "");
  }

  /**
   * {@code "true"} for a field with an error, else null (and then the template leaves out the
   * {@code aria-invalid} attribute, as JTE leaves out attributes whose value is null).
   */
  public @Nullable String invalid(String field) {
    return errors.containsKey(field) ? "true" : null;
  }

  /** The id of the element holding the field's error, for {@code aria-describedby}; or null. */
  public @Nullable String describedBy(String field) {
    return errors.containsKey(field) ? errorId(field) : null;
  }

  /** The id of the element holding the field's error. */
  public String errorId(String field) {
    return field.replace('_', '-') + "-error";
  }
}
