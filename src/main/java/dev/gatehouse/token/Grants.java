package dev.gatehouse.token;

import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.client.Client;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.session.Amr;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Grants: authorization codes, refresh token families, device codes and consents, and the tokens
 * issued from them.
 *
 * <p>What always holds:
 *
 * <ul>
 *   <li>Codes, refresh tokens and device codes are stored only as SHA-256 digests.
 *   <li>An authorization code is redeemed at most once, within a minute. Presenting it again
 *       revokes its grant: the refresh token family and every access token issued from it.
 *   <li>A refresh token is used at most once; a new one of the same family replaces it. Presenting
 *       a used one revokes the whole family, since either the client or a thief holds a copy.
 *   <li>Client credentials tokens are signed from memory and written nowhere.
 *   <li>Tokens are signed after the unit of work commits, never on the writer thread.
 * </ul>
 */
public final class Grants {
  public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  public static final Duration DEVICE_LIFETIME = Duration.ofMinutes(10);
  public static final int DEVICE_INTERVAL_SECONDS = 5;
  private static final long KEEP_USED_CODES_MILLIS = Duration.ofMinutes(10).toMillis();
  private static final Pattern VERIFIER = Pattern.compile("^[A-Za-z0-9._~-]{43,128}$");
  private static final String USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

  /** What the authorization endpoint settled, to be carried by a code. */
  public record CodeRequest(
      String clientId,
      String userId,
      String redirectUri,
      List<String> scopes,
      @Nullable String nonce,
      @Nullable String codeChallenge,
      long authTime,
      Amr amr) {}

  /** The answer to a device authorization request (RFC 8628 §3.2). */
  public record DeviceStart(String deviceCode, String userCode, long expiresIn, int interval) {}

  /** A device authorization waiting for a user's decision. */
  public record PendingDevice(String userCode, String clientId, List<String> scopes) {}

  private record Granted(
      String grantId,
      String userId,
      List<String> scopes,
      long authTime,
      Amr amr,
      @Nullable String nonce,
      @Nullable String refreshToken) {}

  private final Writer writer;
  private final Reads reads;
  private final UserDirectory users;
  private final Secrets secrets;
  private final InstantSource clock;
  private final Supplier<SecureRandom> random;
  private final Revocations revocations;
  private final AccessTokens accessTokens;
  private final IdTokens idTokens;
  private final Map<String, long[]> devicePolls = new ConcurrentHashMap<>();
  private final Audit audit;

  public Grants(
      Writer writer,
      Reads reads,
      SigningKeys keys,
      UserDirectory users,
      Secrets secrets,
      InstantSource clock,
      Supplier<SecureRandom> random,
      String issuer,
      Events events,
      Audit audit) {
    this.writer = writer;
    this.audit = audit;
    this.reads = reads;
    this.users = users;
    this.secrets = secrets;
    this.clock = clock;
    this.random = random;
    this.revocations = new Revocations(events, reads, clock);
    this.accessTokens = new AccessTokens(keys, revocations, issuer, clock);
    this.idTokens = new IdTokens(keys, issuer, clock);
  }

  /** Loads the revocations still in force; call once at start, before serving. */
  public void load() {
    revocations.load(reads);
  }

  public AccessTokens accessTokens() {
    return accessTokens;
  }

  // ---- authorization code ----

  public String issueCode(CodeRequest r) {
    String code = secrets.generate("");
    long now = clock.millis();
    writer.write(
        DataClass.EPHEMERAL,
        tx -> {
          tx.update(
              "DELETE FROM authorization_codes WHERE expires_at < ?", now - KEEP_USED_CODES_MILLIS);
          return tx.update(
              "INSERT INTO authorization_codes (code_digest, client_id, user_id, redirect_uri,"
                  + " scope, nonce, code_challenge, auth_time, grant_id, expires_at, used, amr)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)",
              Secrets.digest(code),
              r.clientId(),
              r.userId(),
              r.redirectUri(),
              String.join(" ", r.scopes()),
              r.nonce(),
              r.codeChallenge(),
              r.authTime(),
              UUID.randomUUID().toString(),
              now + CODE_LIFETIME.toMillis(),
              r.amr().stored());
        });
    return code;
  }

  public Outcome exchangeCode(
      Client client, String code, String redirectUri, @Nullable String verifier) {
    if (verifier != null && !VERIFIER.matcher(verifier).matches()) {
      return new Outcome.Refused("invalid_request", "code_verifier must be 43-128 characters");
    }
    String refresh = client.grantTypes().contains("refresh_token") ? secrets.generate("") : null;
    long now = clock.millis();
    Object result =
        writer.write(
            tx -> {
              record Row(
                  String clientId,
                  String userId,
                  String redirectUri,
                  String scope,
                  @Nullable String nonce,
                  @Nullable String challenge,
                  long authTime,
                  String grantId,
                  long expiresAt,
                  boolean used,
                  Amr amr) {}
              Optional<Row> found =
                  tx.one(
                      "SELECT client_id, user_id, redirect_uri, scope, nonce, code_challenge,"
                          + " auth_time, grant_id, expires_at, used, amr FROM authorization_codes"
                          + " WHERE code_digest = ?",
                      row ->
                          new Row(
                              row.getString(1),
                              row.getString(2),
                              row.getString(3),
                              row.getString(4),
                              row.getString(5),
                              row.getString(6),
                              row.getLong(7),
                              row.getString(8),
                              row.getLong(9),
                              row.getBoolean(10),
                              Amr.parse(row.getString(11))),
                      Secrets.digest(code));
              if (found.isEmpty()) {
                return Outcome.invalidGrant("unknown authorization code");
              }
              Row row = found.get();
              if (row.used()) {
                revokeGrant(tx, now, row.grantId());
                audit.recordIn(
                    tx, reuse(client, row.userId(), row.grantId(), "authorization code replayed"));
                return Outcome.invalidGrant(
                    "the authorization code was already used; tokens issued from it are revoked");
              }
              if (row.expiresAt() <= now) {
                return Outcome.invalidGrant("the authorization code expired");
              }
              if (!row.clientId().equals(client.clientId())) {
                return Outcome.invalidGrant("the authorization code was issued to another client");
              }
              if (!row.redirectUri().equals(redirectUri)) {
                return Outcome.invalidGrant("redirect_uri differs from the authorization request");
              }
              if (row.challenge() != null
                  && (verifier == null || !row.challenge().equals(s256(verifier)))) {
                return Outcome.invalidGrant("code_verifier does not match the code_challenge");
              }
              if (row.challenge() == null && verifier != null) {
                return Outcome.invalidGrant("no code_challenge was sent for this code");
              }
              tx.update(
                  "UPDATE authorization_codes SET used = TRUE WHERE code_digest = ?",
                  Secrets.digest(code));
              if (refresh != null) {
                insertRefresh(
                    tx,
                    refresh,
                    row.grantId(),
                    client,
                    row.userId(),
                    row.scope(),
                    row.authTime(),
                    row.amr());
              }
              return new Granted(
                  row.grantId(),
                  row.userId(),
                  split(row.scope()),
                  row.authTime(),
                  row.amr(),
                  row.nonce(),
                  refresh);
            });
    return issue(client, result, now);
  }

  /** The event of a replayed code or reused refresh token, recorded with the grant's revocation. */
  private AuditEntry reuse(Client client, String userId, String grantId, String reason) {
    Principal user = users.get(userId);
    return AuditEntry.of(AuditKind.TOKEN_REUSE_DETECTED, Actor.client(client.clientId()))
        .subject(userId, user == null ? null : user.username())
        .object("grant", grantId)
        .reason(reason);
  }

  // ---- refresh token ----

  public Outcome refresh(Client client, String token, @Nullable List<String> narrowed) {
    String next = secrets.generate("");
    long now = clock.millis();
    Object result =
        writer.write(
            tx -> {
              record Row(
                  String grantId,
                  String clientId,
                  String userId,
                  String scope,
                  long authTime,
                  long expiresAt,
                  boolean used,
                  Amr amr) {}
              Optional<Row> found =
                  tx.one(
                      "SELECT grant_id, client_id, user_id, scope, auth_time, expires_at, used,"
                          + " amr FROM refresh_tokens WHERE token_digest = ?",
                      row ->
                          new Row(
                              row.getString(1),
                              row.getString(2),
                              row.getString(3),
                              row.getString(4),
                              row.getLong(5),
                              row.getLong(6),
                              row.getBoolean(7),
                              Amr.parse(row.getString(8))),
                      Secrets.digest(token));
              if (found.isEmpty()) {
                return Outcome.invalidGrant("unknown or revoked refresh token");
              }
              Row row = found.get();
              if (!row.clientId().equals(client.clientId())) {
                return Outcome.invalidGrant("the refresh token was issued to another client");
              }
              if (row.used()) {
                revokeGrant(tx, now, row.grantId());
                audit.recordIn(
                    tx, reuse(client, row.userId(), row.grantId(), "refresh token reused"));
                return Outcome.invalidGrant(
                    "the refresh token was already used; its whole family is revoked");
              }
              if (row.expiresAt() <= now) {
                return Outcome.invalidGrant("the refresh token expired");
              }
              if (client.requireMfa() && !row.amr().multiFactor()) {
                // Issued before the client required a second factor: it must not outlive that.
                return Outcome.invalidGrant(
                    "this client now requires a second factor; sign in again");
              }
              List<String> granted = split(row.scope());
              if (narrowed != null && !granted.containsAll(narrowed)) {
                return new Outcome.Refused(
                    "invalid_scope", "a refresh may only narrow the granted scope");
              }
              tx.update(
                  "UPDATE refresh_tokens SET used = TRUE WHERE token_digest = ?",
                  Secrets.digest(token));
              insertRefresh(
                  tx,
                  next,
                  row.grantId(),
                  client,
                  row.userId(),
                  row.scope(),
                  row.authTime(),
                  row.amr());
              return new Granted(
                  row.grantId(),
                  row.userId(),
                  narrowed == null ? granted : narrowed,
                  row.authTime(),
                  row.amr(),
                  null,
                  next);
            });
    return issue(client, result, now);
  }

  // ---- client credentials ----

  /** Signs a token for the client itself: memory only, no write. */
  public Outcome clientCredentials(Client client, List<String> scopes) {
    List<String> granted = scopes.stream().filter(s -> !s.equals("openid")).toList();
    String token =
        accessTokens.issue(
            client.clientId(),
            null,
            null,
            null,
            null,
            granted,
            client.accessTokenLifetimeSeconds(),
            clock.instant());
    return new Outcome.Issued(
        new TokenSet(
            token,
            "Bearer",
            client.accessTokenLifetimeSeconds(),
            null,
            null,
            String.join(" ", granted)));
  }

  // ---- consent ----

  public boolean hasConsent(String userId, String clientId, List<String> scopes) {
    return reads
        .read(
            q ->
                q.one(
                    "SELECT scope FROM consents WHERE user_id = ? AND client_id = ?",
                    row -> row.getString(1),
                    userId,
                    clientId))
        .map(scope -> split(scope).containsAll(scopes))
        .orElse(false);
  }

  /** Remembers that the user agreed to these scopes for the client (adding to earlier ones). */
  public void consent(String userId, String clientId, List<String> scopes) {
    long now = clock.millis();
    writer.write(
        tx -> {
          Set<String> all = new java.util.LinkedHashSet<>(scopes);
          tx.one(
                  "SELECT scope FROM consents WHERE user_id = ? AND client_id = ?",
                  row -> row.getString(1),
                  userId,
                  clientId)
              .ifPresent(scope -> all.addAll(split(scope)));
          return tx.update(
              "INSERT INTO consents (user_id, client_id, scope, granted_at) VALUES (?, ?, ?, ?)"
                  + " ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope,"
                  + " granted_at = excluded.granted_at",
              userId,
              clientId,
              String.join(" ", all),
              now);
        });
  }

  /** The user's remembered consents, the most recent first. */
  public List<Consent> consents(String userId) {
    return reads.read(
        q ->
            q.list(
                "SELECT client_id, scope, granted_at FROM consents WHERE user_id = ?"
                    + " ORDER BY granted_at DESC, client_id",
                row ->
                    new Consent(
                        row.getString(1),
                        split(row.getString(2)),
                        Instant.ofEpochMilli(row.getLong(3))),
                userId));
  }

  /**
   * Forgets the user's consent to {@code clientId} and ends what the client holds from them, in one
   * unit of work: every refresh token family and the access tokens issued from it, codes not yet
   * redeemed and approved device codes. Access tokens of a grant without a refresh token are
   * revoked while its code is still remembered ({@link #KEEP_USED_CODES_MILLIS} past its expiry);
   * one issued before that lives out its lifetime (ten minutes by default). True when there was
   * anything to end; a first-party client, which is never asked for consent, may still hold grants.
   */
  public boolean revokeConsent(String userId, String clientId) {
    long now = clock.millis();
    return writer.write(
        tx -> {
          int consents =
              tx.update(
                  "DELETE FROM consents WHERE user_id = ? AND client_id = ?", userId, clientId);
          Set<String> grantIds = new LinkedHashSet<>();
          grantIds.addAll(
              tx.list(
                  "SELECT DISTINCT grant_id FROM refresh_tokens WHERE user_id = ? AND client_id = ?",
                  row -> row.getString(1),
                  userId,
                  clientId));
          grantIds.addAll(
              tx.list(
                  "SELECT DISTINCT grant_id FROM authorization_codes"
                      + " WHERE user_id = ? AND client_id = ?",
                  row -> row.getString(1),
                  userId,
                  clientId));
          if (!grantIds.isEmpty()) {
            tx.update(
                "DELETE FROM refresh_tokens WHERE user_id = ? AND client_id = ?", userId, clientId);
            long until = now + SigningKeys.MAX_TOKEN_LIFETIME.toMillis();
            Map<String, Long> revoked = new LinkedHashMap<>();
            grantIds.forEach(grantId -> revoked.put(grantId, until));
            Revocations.revoke(tx, now, revoked);
          }
          int codes =
              tx.update(
                  "DELETE FROM authorization_codes WHERE user_id = ? AND client_id = ?",
                  userId,
                  clientId);
          int devices =
              tx.update(
                  "DELETE FROM device_codes WHERE user_id = ? AND client_id = ?"
                      + " AND status = 'approved'",
                  userId,
                  clientId);
          return consents + grantIds.size() + codes + devices > 0;
        });
  }

  // ---- device authorization (RFC 8628) ----

  /**
   * Starts a device authorization, unless {@code client} already holds {@code maxPending} unexpired
   * device codes: the endpoint needs no secret for public clients, so this bounds the table however
   * many callers join in.
   *
   * @throws Failure.Throttled when the client is at its bound, until its oldest code expires
   */
  public DeviceStart startDevice(Client client, List<String> scopes, int maxPending) {
    String deviceCode = secrets.generate("");
    String userCode = userCode();
    long now = clock.millis();
    long full =
        writer.write(
            DataClass.EPHEMERAL,
            tx -> {
              // Indexed on expires_at (V6): a range delete of the few expired rows.
              tx.update("DELETE FROM device_codes WHERE expires_at < ?", now);
              long[] pending =
                  tx.one(
                          "SELECT COUNT(*), MIN(expires_at) FROM device_codes"
                              + " WHERE client_id = ? AND expires_at >= ?",
                          row -> new long[] {row.getLong(1), row.getLong(2)},
                          client.clientId(),
                          now)
                      .orElseThrow();
              if (pending[0] >= maxPending) {
                return pending[1];
              }
              tx.update(
                  "INSERT INTO device_codes (device_code_digest, user_code, client_id, scope,"
                      + " expires_at, status) VALUES (?, ?, ?, ?, ?, 'pending')",
                  Secrets.digest(deviceCode),
                  userCode,
                  client.clientId(),
                  String.join(" ", scopes),
                  now + DEVICE_LIFETIME.toMillis());
              return 0L;
            });
    if (full > 0) {
      throw new Failure.Throttled(
          "this client has too many pending device codes; try again later",
          Duration.ofMillis(full - now));
    }
    return new DeviceStart(
        deviceCode, userCode, DEVICE_LIFETIME.toSeconds(), DEVICE_INTERVAL_SECONDS);
  }

  /** The pending device authorization for a user code as typed (case and dash forgiven). */
  public Optional<PendingDevice> pendingDevice(String typed) {
    String userCode = normalise(typed);
    if (userCode.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.millis();
    return reads.read(
        q ->
            q.one(
                "SELECT client_id, scope FROM device_codes WHERE user_code = ? AND status ="
                    + " 'pending' AND expires_at > ?",
                row -> new PendingDevice(userCode, row.getString(1), split(row.getString(2))),
                userCode,
                now));
  }

  /** Approves or denies a pending device authorization; false when there is none. */
  public boolean decideDevice(
      String typed, String userId, long authTime, Amr amr, boolean approve) {
    String userCode = normalise(typed);
    long now = clock.millis();
    return writer.write(
        DataClass.EPHEMERAL,
        tx ->
            tx.update(
                    "UPDATE device_codes SET status = ?, user_id = ?, auth_time = ?, amr = ?"
                        + " WHERE user_code = ? AND status = 'pending' AND expires_at > ?",
                    approve ? "approved" : "denied",
                    userId,
                    authTime,
                    amr.stored(),
                    userCode,
                    now)
                > 0);
  }

  /**
   * The device_code grant. Pending polls read and never write; polling faster than the interval
   * earns {@code slow_down} and a longer interval (RFC 8628 §3.5).
   */
  public Outcome pollDevice(Client client, String deviceCode) {
    String digest = Secrets.digest(deviceCode);
    long now = clock.millis();
    record Row(String clientId, String scope, long expiresAt, String status) {}
    Optional<Row> found =
        reads.read(
            q ->
                q.one(
                    "SELECT client_id, scope, expires_at, status FROM device_codes"
                        + " WHERE device_code_digest = ?",
                    row ->
                        new Row(
                            row.getString(1), row.getString(2), row.getLong(3), row.getString(4)),
                    digest));
    if (found.isEmpty() || !found.get().clientId().equals(client.clientId())) {
      return Outcome.invalidGrant("unknown device_code");
    }
    Row row = found.get();
    if (row.expiresAt() <= now) {
      devicePolls.remove(digest);
      return new Outcome.Refused("expired_token", "the device code expired; start again");
    }
    switch (row.status()) {
      case "denied" -> {
        devicePolls.remove(digest);
        return new Outcome.Refused("access_denied", "the user denied the request");
      }
      case "redeemed" -> {
        return Outcome.invalidGrant("the device code was already used");
      }
      case "pending" -> {
        long[] poll =
            devicePolls.computeIfAbsent(digest, d -> new long[] {0, DEVICE_INTERVAL_SECONDS});
        synchronized (poll) {
          boolean tooFast = poll[0] != 0 && now - poll[0] < poll[1] * 1000;
          poll[0] = now;
          if (tooFast) {
            poll[1] += 5;
            return new Outcome.Refused("slow_down", "poll every " + poll[1] + " seconds");
          }
        }
        devicePolls.values().removeIf(p -> now - p[0] > DEVICE_LIFETIME.toMillis());
        return new Outcome.Refused("authorization_pending", "waiting for the user");
      }
      default -> {}
    }
    devicePolls.remove(digest);
    String refresh = client.grantTypes().contains("refresh_token") ? secrets.generate("") : null;
    Object result =
        writer.write(
            tx -> {
              record Approved(String userId, long authTime, Amr amr) {}
              Optional<Approved> approved =
                  tx.one(
                      "SELECT user_id, auth_time, amr FROM device_codes"
                          + " WHERE device_code_digest = ? AND status = 'approved'",
                      r ->
                          new Approved(
                              r.getString(1),
                              r.getLong(2),
                              Amr.parse(String.valueOf(r.getString(3)))),
                      digest);
              if (approved.isEmpty()) {
                return Outcome.invalidGrant("the device code was already used");
              }
              tx.update(
                  "UPDATE device_codes SET status = 'redeemed' WHERE device_code_digest = ?",
                  digest);
              String grantId = UUID.randomUUID().toString();
              if (refresh != null) {
                insertRefresh(
                    tx,
                    refresh,
                    grantId,
                    client,
                    approved.get().userId(),
                    row.scope(),
                    approved.get().authTime(),
                    approved.get().amr());
              }
              return new Granted(
                  grantId,
                  approved.get().userId(),
                  split(row.scope()),
                  approved.get().authTime(),
                  approved.get().amr(),
                  null,
                  refresh);
            });
    return issue(client, result, now);
  }

  // ---- introspection and revocation ----

  /**
   * RFC 7662 for {@code caller}: a live access token (any client's, as resource servers need), or a
   * live refresh token of the caller's own. Anything else is {@code {"active": false}}.
   */
  public Map<String, Object> introspect(Client caller, String token) {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<AccessToken> access = accessTokens.verify(token);
    if (access.isPresent()) {
      AccessToken at = access.get();
      out.put("active", true);
      out.put("scope", String.join(" ", at.scopes()));
      out.put("client_id", at.clientId());
      Principal principal = at.userId().map(users::get).orElse(null);
      if (at.userId().isPresent() && (principal == null || principal.disabled())) {
        return Map.of("active", false);
      }
      if (principal != null) {
        out.put("username", principal.username());
      }
      out.put("token_type", "Bearer");
      out.put("exp", at.expiresAt().getEpochSecond());
      out.put("iat", at.issuedAt().getEpochSecond());
      out.put("sub", at.subject());
      out.put("jti", at.jti());
      return out;
    }
    if (token.length() > 100) {
      return Map.of("active", false);
    }
    long now = clock.millis();
    record Row(String clientId, String userId, String scope, long expiresAt, long createdAt) {}
    Optional<Row> row =
        reads.read(
            q ->
                q.one(
                    "SELECT client_id, user_id, scope, expires_at, created_at FROM refresh_tokens"
                        + " WHERE token_digest = ? AND used = FALSE",
                    r ->
                        new Row(
                            r.getString(1),
                            r.getString(2),
                            r.getString(3),
                            r.getLong(4),
                            r.getLong(5)),
                    Secrets.digest(token)));
    if (row.isEmpty()
        || row.get().expiresAt() <= now
        || !row.get().clientId().equals(caller.clientId())) {
      return Map.of("active", false);
    }
    Principal principal = users.get(row.get().userId());
    if (principal == null || principal.disabled()) {
      return Map.of("active", false);
    }
    out.put("active", true);
    out.put("scope", row.get().scope());
    out.put("client_id", row.get().clientId());
    out.put("username", principal.username());
    out.put("token_type", "refresh_token");
    out.put("exp", row.get().expiresAt() / 1000);
    out.put("iat", row.get().createdAt() / 1000);
    out.put("sub", principal.id());
    return out;
  }

  /**
   * RFC 7009: revokes an access token (by its id) or a refresh token (with its whole family) that
   * was issued to {@code caller}. Unknown tokens are ignored, as the RFC asks; a token of another
   * client is refused.
   */
  public Optional<Outcome.Refused> revoke(Client caller, String token) {
    long now = clock.millis();
    Optional<AccessToken> access = accessTokens.verify(token);
    if (access.isPresent()) {
      if (!access.get().clientId().equals(caller.clientId())) {
        return Optional.of(
            new Outcome.Refused("unauthorized_client", "the token was issued to another client"));
      }
      writer.write(
          tx -> {
            Revocations.revoke(
                tx, now, Map.of(access.get().jti(), access.get().expiresAt().toEpochMilli()));
            return null;
          });
      return Optional.empty();
    }
    if (token.length() > 100) {
      return Optional.empty();
    }
    return writer.write(
        tx -> {
          Optional<String[]> row =
              tx.one(
                  "SELECT grant_id, client_id FROM refresh_tokens WHERE token_digest = ?",
                  r -> new String[] {r.getString(1), r.getString(2)},
                  Secrets.digest(token));
          if (row.isEmpty()) {
            return Optional.empty();
          }
          if (!row.get()[1].equals(caller.clientId())) {
            return Optional.of(
                new Outcome.Refused(
                    "unauthorized_client", "the token was issued to another client"));
          }
          revokeGrant(tx, now, row.get()[0]);
          return Optional.empty();
        });
  }

  // ---- a user's password changed or the user was disabled ----

  /**
   * Ends every grant of {@code userId} inside {@code tx} (see {@code user.DerivedCredentials}):
   * refresh token families, codes not yet redeemed (an authorization code, an approved device
   * code), and every access token issued to the user until now, through a per-user cut-off, since
   * grants without a refresh token left no id behind to revoke.
   */
  public void endIn(Tx tx, String userId) {
    long now = clock.millis();
    tx.update("DELETE FROM refresh_tokens WHERE user_id = ?", userId);
    tx.update("DELETE FROM authorization_codes WHERE user_id = ? AND used = FALSE", userId);
    tx.update("DELETE FROM device_codes WHERE user_id = ? AND status = 'approved'", userId);
    Revocations.revokeUser(tx, now, userId);
  }

  // ---- shared ----

  /**
   * Signs the tokens of a grant settled in a unit of work that began at {@code grantedAt}: the
   * access token's {@code iat} is that instant, not the signing's, so a password change committed
   * in between revokes it too (its per-user cut-off is later).
   */
  private Outcome issue(Client client, Object result, long grantedAt) {
    if (result instanceof Outcome outcome) {
      return outcome;
    }
    Granted granted = (Granted) result;
    Principal principal = users.get(granted.userId());
    if (principal == null || principal.disabled()) {
      return Outcome.invalidGrant("the user no longer exists or is disabled");
    }
    String access =
        accessTokens.issue(
            client.clientId(),
            principal,
            granted.grantId(),
            granted.authTime(),
            granted.amr(),
            granted.scopes(),
            client.accessTokenLifetimeSeconds(),
            Instant.ofEpochMilli(grantedAt));
    String id =
        granted.scopes().contains("openid")
            ? idTokens.issue(
                client,
                principal,
                granted.scopes(),
                granted.authTime(),
                granted.amr(),
                granted.nonce())
            : null;
    return new Outcome.Issued(
        new TokenSet(
            access,
            "Bearer",
            client.accessTokenLifetimeSeconds(),
            granted.refreshToken(),
            id,
            String.join(" ", granted.scopes())));
  }

  private void insertRefresh(
      Tx tx,
      String token,
      String grantId,
      Client client,
      String userId,
      String scope,
      long authTime,
      Amr amr) {
    long now = clock.millis();
    tx.update(
        "INSERT INTO refresh_tokens (token_digest, grant_id, client_id, user_id, scope, auth_time,"
            + " created_at, expires_at, used, amr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)",
        Secrets.digest(token),
        grantId,
        client.clientId(),
        userId,
        scope,
        authTime,
        now,
        now + client.refreshTokenLifetimeSeconds() * 1000L,
        amr.stored());
  }

  /** Ends a grant: its refresh tokens go, and its access tokens are refused until they expire. */
  private static void revokeGrant(Tx tx, long now, String grantId) {
    tx.update("DELETE FROM refresh_tokens WHERE grant_id = ?", grantId);
    Revocations.revoke(tx, now, Map.of(grantId, now + SigningKeys.MAX_TOKEN_LIFETIME.toMillis()));
  }

  /** Eight letters from an alphabet without vowels (no words) or look-alikes: ~34 bits. */
  private String userCode() {
    SecureRandom r = random.get();
    StringBuilder code = new StringBuilder(9);
    for (int i = 0; i < 8; i++) {
      if (i == 4) {
        code.append('-');
      }
      code.append(USER_CODE_ALPHABET.charAt(r.nextInt(USER_CODE_ALPHABET.length())));
    }
    return code.toString();
  }

  private static String normalise(String typed) {
    String letters = typed.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z]", "");
    return letters.length() == 8 ? letters.substring(0, 4) + "-" + letters.substring(4) : "";
  }

  /** BASE64URL(SHA-256(verifier)), the S256 code challenge (RFC 7636 §4.2). */
  public static String s256(String verifier) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static List<String> split(String scope) {
    return scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" "));
  }
}
