package dev.gatehouse.mfa;

import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.session.Amr;
import dev.gatehouse.signing.KeyEncryption;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A user's second factors: one TOTP secret, any number of WebAuthn credentials, and one-time
 * recovery codes. Every check that consumes something (a TOTP step, a recovery code, a sign
 * counter) reads and updates its row in one unit of the writer, so two requests racing with the
 * same code cannot both pass. TOTP secrets are sealed under the key encryption key, bound to their
 * user; recovery codes are stored as digests. None of this is on the forward-auth hot path: a
 * session carries how it was proved ({@link Amr}).
 */
public final class Factors {
  private static final Duration ENROLMENT_LIFETIME = Duration.ofMinutes(15);
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
  private static final int MAX_NAME = 64;

  /** A registered WebAuthn credential as its owner sees it. */
  public record Passkey(
      String id, String name, Instant createdAt, @Nullable Instant lastUsed, boolean synced) {}

  /** What a user has enrolled. */
  public record Summary(
      boolean totp, @Nullable Instant totpLastUsed, List<Passkey> passkeys, int recoveryCodes) {
    /** Whether the user can prove a second factor (recovery codes alone are a fallback only). */
    public boolean any() {
      return totp || !passkeys.isEmpty();
    }

    public static final Summary NONE = new Summary(false, null, List.of(), 0);
  }

  /**
   * A TOTP secret offered but not yet confirmed: {@code sealed} goes back with the first code, so
   * nothing is stored until the user proves their app has it.
   */
  public record TotpOffer(String sealed, String secret, String uri, String qrSvg) {}

  /** A credential just registered: what it proved, and recovery codes to show once (or none). */
  public record AddedPasskey(Amr amr, List<String> recoveryCodes) {}

  /** Who a passwordless sign-in proved, and how. */
  public record PasskeySignIn(String userId, Amr amr) {}

  private final Writer writer;
  private final Reads reads;
  private final KeyEncryption sealing;
  private final WebAuthn webAuthn;
  private final Audit audit;
  private final String issuer;
  private final int maxPasskeys;
  private final InstantSource clock;
  private final Supplier<SecureRandom> random;

  public Factors(
      Writer writer,
      Reads reads,
      KeyEncryption sealing,
      WebAuthn webAuthn,
      Audit audit,
      String issuer,
      int maxPasskeys,
      InstantSource clock,
      Supplier<SecureRandom> random) {
    this.writer = writer;
    this.reads = reads;
    this.sealing = sealing;
    this.webAuthn = webAuthn;
    this.audit = audit;
    this.issuer = issuer;
    this.maxPasskeys = maxPasskeys;
    this.clock = clock;
    this.random = random;
  }

  /** What {@code userId} has enrolled. */
  public Summary of(String userId) {
    return reads.read(q -> summary(q, userId));
  }

  private static Summary summary(Query q, String userId) {
    Optional<Long> totpUsed =
        q.one(
            "SELECT COALESCE(last_used_at, 0) FROM totp_factors WHERE user_id = ?",
            row -> row.getLong(1),
            userId);
    List<Passkey> passkeys =
        q.list(
            "SELECT id, name, created_at, last_used_at, backup_eligible FROM webauthn_credentials"
                + " WHERE user_id = ? ORDER BY created_at",
            row -> {
              long used = row.getLong(4);
              boolean never = row.wasNull();
              return new Passkey(
                  row.getString(1),
                  row.getString(2),
                  Instant.ofEpochMilli(row.getLong(3)),
                  never ? null : Instant.ofEpochMilli(used),
                  row.getBoolean(5));
            },
            userId);
    int codes = (int) q.count("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?", userId);
    return new Summary(
        totpUsed.isPresent(),
        totpUsed.filter(at -> at > 0).map(Instant::ofEpochMilli).orElse(null),
        passkeys,
        codes);
  }

  // ---- TOTP ----

  /** A fresh secret for {@code username}'s authenticator app, with its QR code. */
  public TotpOffer offerTotp(String userId, String username) {
    byte[] key = Totp.newKey(random.get());
    String base32 = Totp.base32(key);
    long expires = clock.millis() + ENROLMENT_LIFETIME.toMillis();
    String sealed = sealing.seal(base32 + "." + expires, offerBinding(userId));
    String uri = Totp.uri(issuer, username, key);
    return new TotpOffer(
        sealed, Totp.grouped(base32), uri, QrSvg.of(uri, "QR code for your authenticator app"));
  }

  /**
   * Stores the offered secret once {@code code} proves the app has it, replacing any earlier one.
   * Returns new recovery codes when the user had none (shown once), else an empty list.
   */
  public List<String> confirmTotp(String userId, String sealed, String code) {
    byte[] key = openOffer(userId, sealed);
    long now = clock.millis();
    OptionalLong step = Totp.match(key, code, now, Totp.NO_STEP_USED);
    if (step.isEmpty()) {
      throw new Failure.Invalid(
          "code", "That code is not right; check the time on your phone and try the next one.");
    }
    List<String> codes = RecoveryCodes.generate(random.get());
    return writer.write(
        tx -> {
          tx.update("DELETE FROM totp_factors WHERE user_id = ?", userId);
          tx.update(
              "INSERT INTO totp_factors (user_id, secret_sealed, last_step, created_at)"
                  + " VALUES (?, ?, ?, ?)",
              userId,
              sealing.seal(Totp.base32(key), totpBinding(userId)),
              step.getAsLong(),
              now);
          return storeCodesIfNone(tx, userId, codes, now);
        });
  }

  /**
   * Checks a TOTP code and consumes its time step: the same code, or an older one, is refused
   * afterwards. False for a wrong code or a user without TOTP.
   */
  public boolean verifyTotp(String userId, String code) {
    long now = clock.millis();
    return writer.write(
        tx -> {
          record Row(String sealed, long lastStep) {}
          Optional<Row> row =
              tx.one(
                  "SELECT secret_sealed, last_step FROM totp_factors WHERE user_id = ?",
                  r -> new Row(r.getString(1), r.getLong(2)),
                  userId);
          if (row.isEmpty()) {
            return false;
          }
          byte[] key = Totp.fromBase32(sealing.open(row.get().sealed(), totpBinding(userId)));
          OptionalLong step = Totp.match(key, code, now, row.get().lastStep());
          if (step.isEmpty()) {
            return false;
          }
          tx.update(
              "UPDATE totp_factors SET last_step = ?, last_used_at = ? WHERE user_id = ?",
              step.getAsLong(),
              now,
              userId);
          return true;
        });
  }

  public boolean removeTotp(String userId) {
    return writer.write(tx -> tx.update("DELETE FROM totp_factors WHERE user_id = ?", userId) > 0);
  }

  private byte[] openOffer(String userId, String sealed) {
    String opened;
    try {
      opened = sealing.open(sealed, offerBinding(userId));
    } catch (RuntimeException e) {
      throw new Failure.Invalid("code", "This setup expired; please start again.");
    }
    int dot = opened.lastIndexOf('.');
    if (dot < 0 || Long.parseLong(opened.substring(dot + 1)) < clock.millis()) {
      throw new Failure.Invalid("code", "This setup expired; please start again.");
    }
    return Totp.fromBase32(opened.substring(0, dot));
  }

  private static String totpBinding(String userId) {
    return "totp:" + userId;
  }

  private static String offerBinding(String userId) {
    return "totp-offer:" + userId;
  }

  // ---- recovery codes ----

  /** Replaces {@code userId}'s recovery codes with ten new ones, returned once. */
  public List<String> regenerateRecoveryCodes(String userId) {
    List<String> codes = RecoveryCodes.generate(random.get());
    long now = clock.millis();
    writer.write(
        tx -> {
          tx.update("DELETE FROM recovery_codes WHERE user_id = ?", userId);
          insertCodes(tx, userId, codes, now);
          return null;
        });
    return codes;
  }

  /** Uses up one recovery code; false when it is not one of {@code userId}'s. */
  public boolean useRecoveryCode(String userId, String typed) {
    String normal = RecoveryCodes.normalise(typed);
    if (normal == null) {
      return false;
    }
    String digest = RecoveryCodes.digest(normal);
    return writer.write(
        tx ->
            tx.update(
                    "DELETE FROM recovery_codes WHERE code_digest = ? AND user_id = ?",
                    digest,
                    userId)
                > 0);
  }

  public boolean removeRecoveryCodes(String userId) {
    return writer.write(
        tx -> tx.update("DELETE FROM recovery_codes WHERE user_id = ?", userId) > 0);
  }

  private static List<String> storeCodesIfNone(Tx tx, String userId, List<String> codes, long now) {
    if (tx.count("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?", userId) > 0) {
      return List.of();
    }
    insertCodes(tx, userId, codes, now);
    return codes;
  }

  private static void insertCodes(Tx tx, String userId, List<String> codes, long now) {
    for (String code : codes) {
      tx.update(
          "INSERT INTO recovery_codes (code_digest, user_id, created_at) VALUES (?, ?, ?)",
          RecoveryCodes.digest(Objects.requireNonNull(RecoveryCodes.normalise(code))),
          userId,
          now);
    }
  }

  // ---- WebAuthn ----

  /** Options for {@code userId} to register one more credential. */
  public String registrationOptions(String userId, String username, String displayName) {
    return webAuthn.registrationOptions(userId, username, displayName, credentialIds(userId));
  }

  /**
   * Verifies and stores a new credential named {@code name}. Returns how it proved its holder, and
   * new recovery codes when the user had none (shown once).
   */
  public AddedPasskey addPasskey(String userId, @Nullable String name, String responseJson) {
    String checked = name == null ? "" : name.strip();
    if (checked.isEmpty()) {
      checked = "Passkey";
    }
    if (checked.length() > MAX_NAME) {
      throw new Failure.Invalid("name", "a name has at most " + MAX_NAME + " characters");
    }
    NewCredential credential = webAuthn.register(userId, responseJson);
    String label = checked;
    long now = clock.millis();
    List<String> codes = RecoveryCodes.generate(random.get());
    List<String> shown =
        writer.write(
            tx -> {
              if (tx.count("SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = ?", userId)
                  >= maxPasskeys) {
                throw new Failure.Conflict(
                    "credential",
                    "You already have "
                        + maxPasskeys
                        + " passkeys and security keys; remove one before adding another.");
              }
              String credentialId = B64URL.encodeToString(credential.credentialId());
              if (tx.count(
                      "SELECT COUNT(*) FROM webauthn_credentials WHERE credential_id = ?",
                      credentialId)
                  > 0) {
                throw new Failure.Conflict("credential", "this key is already registered");
              }
              tx.update(
                  "INSERT INTO webauthn_credentials (id, user_id, credential_id, name, public_key,"
                      + " sign_count, backup_eligible, backup_state, transports, aaguid,"
                      + " attestation_format, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  UUID.randomUUID().toString(),
                  userId,
                  credentialId,
                  label,
                  B64URL.encodeToString(credential.publicKey()),
                  credential.signCount(),
                  credential.backupEligible(),
                  credential.backupState(),
                  String.join(" ", credential.transports()),
                  credential.aaguid(),
                  credential.attestationFormat(),
                  now);
              return storeCodesIfNone(tx, userId, codes, now);
            });
    return new AddedPasskey(amr(credential.backupEligible(), credential.userVerified()), shown);
  }

  /** A synced passkey is a software key (RFC 8176 swk), a device-bound one a hardware key. */
  private static Amr amr(boolean backupEligible, boolean userVerified) {
    Amr key = Amr.of(backupEligible ? Amr.Method.SWK : Amr.Method.HWK);
    return userVerified ? key.with(Amr.of(Amr.Method.USER)) : key;
  }

  public boolean removePasskey(String userId, String id) {
    return writer.write(
        tx ->
            tx.update("DELETE FROM webauthn_credentials WHERE id = ? AND user_id = ?", id, userId)
                > 0);
  }

  /** Options for {@code userId} to prove a registered credential as a second factor. */
  public String secondFactorOptions(String userId) {
    return webAuthn.authenticationOptions(userId, credentialIds(userId));
  }

  /**
   * Options for a passwordless sign-in: any discoverable credential, user verification required.
   */
  public String passwordlessOptions() {
    return webAuthn.authenticationOptions(null, List.of());
  }

  /**
   * Verifies a credential of {@code userId} as a second factor; returns how it was proved. Throws
   * {@link Failure.Invalid} (field {@code credential}) when it is not one of theirs or fails.
   */
  public Amr verifyPasskey(String userId, String responseJson) {
    return assertion(userId, responseJson).amr();
  }

  /** Verifies a passwordless sign-in: a discoverable credential that verified its user. */
  public PasskeySignIn signInWithPasskey(String responseJson) {
    return assertion(null, responseJson);
  }

  private PasskeySignIn assertion(@Nullable String userId, String responseJson) {
    AssertionClaim claim = webAuthn.claim(responseJson);
    String credentialId = B64URL.encodeToString(claim.credentialId());
    record Row(String id, String userId, byte[] publicKey, long signCount, boolean eligible) {}
    Row row =
        reads
            .read(
                q ->
                    q.one(
                        "SELECT id, user_id, public_key, sign_count, backup_eligible"
                            + " FROM webauthn_credentials WHERE credential_id = ?",
                        r ->
                            new Row(
                                r.getString(1),
                                r.getString(2),
                                B64URL_DECODER.decode(r.getString(3)),
                                r.getLong(4),
                                r.getBoolean(5)),
                        credentialId))
            .orElseThrow(() -> unknownKey());
    if (userId != null && !userId.equals(row.userId())) {
      throw unknownKey();
    }
    byte[] handle = claim.userHandle();
    if (handle != null
        && !MessageDigest.isEqual(handle, row.userId().getBytes(StandardCharsets.UTF_8))) {
      throw unknownKey();
    }
    Asserted asserted =
        webAuthn.verify(
            responseJson,
            userId,
            new StoredCredential(
                claim.credentialId(), row.publicKey(), row.signCount(), row.eligible()));
    long now = clock.millis();
    writer.write(
        tx -> {
          // Spent for every node: another node may have accepted this very answer already.
          tx.update("DELETE FROM spent_challenges WHERE expires_at < ?", now / 1000);
          if (tx.update(
                  "INSERT INTO spent_challenges (nonce, expires_at) VALUES (?, ?)"
                      + " ON CONFLICT (nonce) DO NOTHING",
                  asserted.challenge(),
                  asserted.challengeExpiresAt())
              == 0) {
            throw new Failure.Invalid("credential", WebAuthn.USED);
          }
          tx.update(
              "UPDATE webauthn_credentials SET sign_count = ?, backup_state = ?, last_used_at = ?"
                  + " WHERE id = ?",
              Math.max(asserted.signCount(), row.signCount()),
              asserted.backupState(),
              now,
              row.id());
          if (asserted.cloneWarning()) {
            // The counter went back: two authenticators may share one key. Worth an admin's look;
            // not a refusal, since some authenticators reset their counters.
            audit.recordIn(
                tx,
                AuditEntry.of(AuditKind.PASSKEY_CLONE_SUSPECTED, Actor.user(row.userId(), null))
                    .subject(row.userId(), null)
                    .object("passkey", row.id())
                    .reason("sign counter did not increase"));
          }
          return null;
        });
    return new PasskeySignIn(row.userId(), amr(row.eligible(), asserted.userVerified()));
  }

  private static Failure.Invalid unknownKey() {
    return new Failure.Invalid("credential", "This passkey or security key is not registered.");
  }

  private List<byte[]> credentialIds(String userId) {
    return reads.read(
        q ->
            q.list(
                "SELECT credential_id FROM webauthn_credentials WHERE user_id = ?",
                row -> B64URL_DECODER.decode(row.getString(1)),
                userId));
  }

  // ---- all of them ----

  /** Removes every second factor of {@code userId} and their recovery codes; true if any. */
  public boolean reset(String userId) {
    return writer.write(
        tx -> {
          int removed = tx.update("DELETE FROM totp_factors WHERE user_id = ?", userId);
          removed += tx.update("DELETE FROM webauthn_credentials WHERE user_id = ?", userId);
          removed += tx.update("DELETE FROM recovery_codes WHERE user_id = ?", userId);
          return removed > 0;
        });
  }
}
