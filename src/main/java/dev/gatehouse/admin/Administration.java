package dev.gatehouse.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.apikey.CreatedApiKey;
import dev.gatehouse.app.App;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.client.CreatedClient;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.signing.SigningKey;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Group;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every change an administrator can make, whichever door they came through: the admin API (an API
 * key) or the console (a signed-in member of {@code admins}). Each operation calls the feature's
 * facade, which validates, and records the change in the audit log with {@link Origin}'s actor, so
 * that the two doors cannot drift apart in what they check or what they leave behind.
 *
 * <p>The event is recorded right after the facade call returns (the facades take no audit hook, so
 * it is its own writer unit in the next batch; a crash between the two can lose the event of a
 * change that did happen). A change that fails, validation included, records nothing. Signing-key
 * rotation is the exception: its event commits in the same transaction as the keys.
 */
public final class Administration {
  /**
   * Who asks and from where.
   *
   * @param via how the change arrived, for the audit reason: {@code "the admin API"}, {@code "the
   *     admin console"}
   */
  public record Origin(Actor actor, @Nullable String ip, @Nullable String userAgent, String via) {}

  /** The longest a rotated key may wait before it signs: 30 days. */
  public static final Duration MAX_GRACE = Duration.ofDays(30);

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
  private final Factors factors;
  private final Sessions sessions;
  private final SigningKeys signingKeys;
  private final Grants grants;
  private final Audit audit;
  private final ManagedObjects managed;
  private final boolean guarded;

  public Administration(
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      Factors factors,
      Sessions sessions,
      SigningKeys signingKeys,
      Grants grants,
      Audit audit,
      ManagedObjects managed) {
    this.managed = managed;
    this.guarded = true;
    this.grants = grants;
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.devices = devices;
    this.factors = factors;
    this.sessions = sessions;
    this.signingKeys = signingKeys;
    this.audit = audit;
  }

  /** {@code source}'s rules without the managed-object check: {@link #forProvisioning}. */
  private Administration(Administration source) {
    this.managed = source.managed;
    this.guarded = false;
    this.grants = source.grants;
    this.users = source.users;
    this.groups = source.groups;
    this.apps = source.apps;
    this.clients = source.clients;
    this.apiKeys = source.apiKeys;
    this.devices = source.devices;
    this.factors = source.factors;
    this.sessions = source.sessions;
    this.signingKeys = source.signingKeys;
    this.audit = source.audit;
  }

  /**
   * The same rules for the provisioning file, the one door allowed to change the objects it
   * manages.
   */
  public Administration forProvisioning() {
    return new Administration(this);
  }

  /**
   * Refuses, naming the file, a change through the API or console to a managed object. Usernames
   * are case-insensitive (kept in lower case), so they are looked up so.
   */
  private void refuseIfManaged(ManagedObjects.Kind kind, String name) {
    if (guarded) {
      managed.refuseChange(
          kind, kind == ManagedObjects.Kind.USER ? name.toLowerCase(Locale.ROOT) : name);
    }
  }

  // ---- users ----

  public User createUser(Origin origin, NewUser request) {
    User user = users.create(request);
    changed(origin, "create", "user", user.id(), null, user, user.id(), user.username());
    return user;
  }

  /**
   * Applies {@code patch} to user {@code id}; {@code nulls} are the fields sent as an explicit null
   * (see {@link Users#update}).
   */
  public User updateUser(Origin origin, String id, UserPatch patch, Set<String> nulls) {
    User before = users.get(id);
    refuseIfManaged(ManagedObjects.Kind.USER, before.username());
    User after = users.update(before.id(), patch, nulls);
    changed(origin, "update", "user", after.id(), before, after, after.id(), after.username());
    if (patch.password() != null) {
      audit.recordNow(about(origin, AuditKind.PASSWORD_CHANGED, after, "user", after.id(), "set"));
    }
    return after;
  }

  /** A user whose password was hashed beforehand (the provisioning file's door). */
  public User createUserWithHash(Origin origin, NewUser request, @Nullable String hash) {
    User user = users.createWithHash(request, hash);
    changed(origin, "create", "user", user.id(), null, user, user.id(), user.username());
    return user;
  }

  /** Sets a hashed password; the user's sessions, devices and grants end as with any new one. */
  public void setPasswordHash(Origin origin, String id, String hash) {
    User user = users.setPasswordHash(id, hash);
    audit.recordNow(about(origin, AuditKind.PASSWORD_CHANGED, user, "user", user.id(), "set"));
  }

  public void deleteUser(Origin origin, String id) {
    User before = users.get(id);
    refuseIfManaged(ManagedObjects.Kind.USER, before.username());
    users.delete(before.id());
    changed(origin, "delete", "user", before.id(), before, null, before.id(), before.username());
  }

  /**
   * Signs a user out everywhere: a lost or stolen phone, or a group that now requires a second
   * factor and should apply at once. Paired devices and OAuth grants stay (they have their own
   * revocations). Returns how many sessions ended.
   */
  public int endSessions(Origin origin, String userId) {
    User user = users.get(userId);
    int ended = sessions.endAll(user.id());
    audit.recordNow(
        about(origin, AuditKind.SESSION_REVOKED, user, "session", "all", "revoked")
            .details(Map.of("ended", ended)));
    return ended;
  }

  /** Ends one session of user {@code userId}; false when it was not theirs or already over. */
  public boolean endSession(Origin origin, String userId, String sessionId) {
    User user = users.get(userId);
    if (!sessions.revoke(user.id(), sessionId)) {
      return false;
    }
    audit.recordNow(
        about(origin, AuditKind.SESSION_REVOKED, user, "session", sessionId, "revoked"));
    return true;
  }

  /**
   * Forgets user {@code userId}'s consent to OIDC client {@code clientId} and ends that client's
   * grants from them (refresh tokens, codes), as the user can on their account page; false when
   * there was none.
   */
  public boolean revokeConsent(Origin origin, String userId, String clientId) {
    User user = users.get(userId);
    if (!grants.revokeConsent(user.id(), clientId)) {
      return false;
    }
    audit.recordNow(about(origin, AuditKind.CONSENT_REVOKED, user, "client", clientId, "revoked"));
    return true;
  }

  /**
   * Removes every second factor and recovery code of a user who lost them: they sign in with their
   * password and, where required, set up a new one. Their sessions stay; revoke them too if the
   * loss may be a theft.
   */
  public void resetFactors(Origin origin, String userId) {
    User user = users.get(userId);
    if (!factors.reset(user.id())) {
      throw new Failure.NotFound("user " + user.username() + " has no second factor");
    }
    factorRemoved(origin, user, "all");
  }

  /** {@code factor}: {@code totp}, {@code recovery_codes}, or a passkey's id. */
  public void removeFactor(Origin origin, String userId, String factor) {
    User user = users.get(userId);
    boolean removed =
        switch (factor) {
          case "totp" -> factors.removeTotp(user.id());
          case "recovery_codes" -> factors.removeRecoveryCodes(user.id());
          default -> factors.removePasskey(user.id(), factor);
        };
    if (!removed) {
      throw new Failure.NotFound("user " + user.username() + " has no factor " + factor);
    }
    factorRemoved(origin, user, factor);
  }

  private void factorRemoved(Origin origin, User user, String factor) {
    audit.recordNow(
        about(origin, AuditKind.SECOND_FACTOR_REMOVED, user, "factor", factor, "removed"));
  }

  // ---- groups ----

  public Group createGroup(Origin origin, String name, boolean requireMfa) {
    Group group = groups.create(name, requireMfa);
    changed(origin, "create", "group", group.name(), null, group, null, null);
    return group;
  }

  /** Members must sign in with a second factor from now on, or no longer need to. */
  public Group requireMfa(Origin origin, String name, boolean required) {
    Group before = groups.get(name);
    refuseIfManaged(ManagedObjects.Kind.GROUP, before.name());
    Group after = groups.requireMfa(before.name(), required);
    changed(origin, "update", "group", after.name(), before, after, null, null);
    return after;
  }

  public void deleteGroup(Origin origin, String name) {
    Group before = groups.get(name);
    refuseIfManaged(ManagedObjects.Kind.GROUP, before.name());
    groups.delete(before.name());
    changed(origin, "delete", "group", before.name(), before, null, null, null);
  }

  /** A managed user's groups are the file's: refused for them. */
  public void addMember(Origin origin, String group, String username) {
    refuseIfManaged(ManagedObjects.Kind.USER, username);
    groups.addMember(group, username);
    changed(origin, "add_member", "group", group, null, Map.of("member", username), null, username);
  }

  public void removeMember(Origin origin, String group, String username) {
    refuseIfManaged(ManagedObjects.Kind.USER, username);
    groups.removeMember(group, username);
    changed(
        origin, "remove_member", "group", group, Map.of("member", username), null, null, username);
  }

  // ---- apps ----

  public App createApp(Origin origin, AppRequest request) {
    App app = apps.create(request);
    changed(origin, "create", "app", app.id(), null, app, null, null);
    return app;
  }

  public App updateApp(Origin origin, String id, AppRequest request) {
    App before = apps.get(id);
    refuseIfManaged(ManagedObjects.Kind.APP, before.name());
    App after = apps.update(before.id(), request);
    changed(origin, "update", "app", after.id(), before, after, null, null);
    return after;
  }

  public void deleteApp(Origin origin, String id) {
    App before = apps.get(id);
    refuseIfManaged(ManagedObjects.Kind.APP, before.name());
    apps.delete(before.id());
    changed(origin, "delete", "app", before.id(), before, null, null, null);
  }

  // ---- OIDC clients ----

  public CreatedClient createClient(Origin origin, ClientRequest request) {
    CreatedClient client = clients.create(request);
    changed(
        origin, "create", "client", client.client().clientId(), null, client.client(), null, null);
    return client;
  }

  public Client updateClient(Origin origin, String clientId, ClientRequest request) {
    Client before = clients.get(clientId);
    refuseIfManaged(ManagedObjects.Kind.CLIENT, before.clientId());
    Client after = clients.update(before.clientId(), request);
    changed(origin, "update", "client", after.clientId(), before, after, null, null);
    return after;
  }

  /** A new secret, shown once; the old one stops working at once. */
  public CreatedClient rotateSecret(Origin origin, String clientId) {
    refuseIfManaged(ManagedObjects.Kind.CLIENT, clientId);
    CreatedClient rotated = clients.rotateSecret(clientId);
    audit.recordNow(
        by(origin, AuditKind.CLIENT_SECRET_ROTATED).object("client", rotated.client().clientId()));
    return rotated;
  }

  /** Makes the secret with this SHA-256 digest a client's only one (the provisioning file's). */
  public void useClientSecret(Origin origin, String clientId, String digest) {
    Client client = clients.useSecretDigest(clientId, digest);
    audit.recordNow(
        by(origin, AuditKind.CLIENT_SECRET_ROTATED).object("client", client.clientId()));
  }

  public void deleteClient(Origin origin, String clientId) {
    Client before = clients.get(clientId);
    refuseIfManaged(ManagedObjects.Kind.CLIENT, before.clientId());
    clients.delete(before.clientId());
    changed(origin, "delete", "client", before.clientId(), before, null, null, null);
  }

  // ---- API keys, devices, signing keys ----

  public CreatedApiKey createApiKey(
      Origin origin, @Nullable String name, @Nullable String role, @Nullable Instant expiresAt) {
    CreatedApiKey key = apiKeys.create(name, role, expiresAt);
    changed(origin, "create", "api_key", key.key().id(), null, key.key(), null, null);
    return key;
  }

  /** A key known by its secret's SHA-256 digest only (the provisioning file's door). */
  public ApiKey createApiKeyWithDigest(
      Origin origin,
      @Nullable String name,
      @Nullable String role,
      @Nullable Instant expiresAt,
      String digest) {
    ApiKey key = apiKeys.createWithDigest(name, role, expiresAt, digest);
    changed(origin, "create", "api_key", key.id(), null, key, null, null);
    return key;
  }

  public void deleteApiKey(Origin origin, String id) {
    ApiKey before = apiKeys.get(id);
    refuseIfManaged(ManagedObjects.Kind.API_KEY, before.name());
    apiKeys.delete(before.id());
    changed(origin, "delete", "api_key", before.id(), before, null, null, null);
  }

  public void revokeDevice(Origin origin, String id) {
    Device before = devices.all().stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    devices.revoke(null, id);
    audit.recordNow(
        by(origin, AuditKind.DEVICE_REVOKED)
            .subject(before == null ? null : before.userId(), null)
            .object("device", id)
            .details(before == null ? Map.of() : Map.of("before", summary(before))));
  }

  /**
   * Rotates every algorithm's signing key. The new keys are published at once and sign after {@code
   * grace} (null: the configured default; at most {@link #MAX_GRACE}), so relying parties can fetch
   * them first.
   */
  public List<SigningKey> rotateKeys(Origin origin, @Nullable Duration grace) {
    if (grace != null && (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0)) {
      throw new Failure.Invalid(
          "grace_seconds", "grace_seconds must be 0 to " + MAX_GRACE.toSeconds());
    }
    return signingKeys.rotate(grace, origin.actor());
  }

  /**
   * An event of {@code origin} about {@code user}'s {@code type} {@code id}, whose reason says what
   * was done and through which door: "revoked through the admin console".
   */
  private static AuditEntry about(
      Origin origin, AuditKind kind, User user, String type, String id, String done) {
    return by(origin, kind)
        .subject(user.id(), user.username())
        .object(type, id)
        .reason(done + " through " + origin.via());
  }

  /** An event of {@code origin}: its actor, address and user agent. */
  private static AuditEntry by(Origin origin, AuditKind kind) {
    return AuditEntry.of(kind, origin.actor()).from(origin.ip(), origin.userAgent());
  }

  /**
   * Records an admin change once it has committed: what was done to which object, and summaries of
   * it before and after (the objects' API shapes, from which {@link AuditEntry} drops anything
   * naming a credential).
   */
  private void changed(
      Origin origin,
      String action,
      String type,
      String id,
      @Nullable Object before,
      @Nullable Object after,
      @Nullable String subjectUserId,
      @Nullable String subjectUsername) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("action", action);
    if (before != null) {
      details.put("before", summary(before));
    }
    if (after != null) {
      details.put("after", summary(after));
    }
    audit.recordNow(
        by(origin, AuditKind.ADMIN_CHANGE)
            .subject(subjectUserId, subjectUsername)
            .object(type, id)
            .details(details));
  }

  private static Map<String, Object> summary(Object value) {
    return Json.MAPPER.convertValue(value, new TypeReference<Map<String, Object>>() {});
  }
}
