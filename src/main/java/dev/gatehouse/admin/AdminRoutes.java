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
import dev.gatehouse.audit.AuditPage;
import dev.gatehouse.audit.AuditQuery;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.client.CreatedClient;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.Listing;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.user.Group;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Http;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Page;
import dev.gatehouse.web.Routing;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The admin REST API under {@code /api/admin}. Handlers parse, call a facade and render; errors are
 * thrown as {@link Failure}s and mapped in one place. The routes are one table, {@link #ROUTES}, so
 * that a test can check {@code openapi.json} documents every one of them. All run on virtual
 * threads: they read through the pool or write through the writer.
 *
 * <p>Every change is recorded in the audit log with the request's API key as the actor, right after
 * the facade call returns and before the answer is sent (the facades take no audit hook, so the
 * event is its own writer unit in the next batch; a crash between the two can lose the event of a
 * change that did happen). A change that fails, validation included, records nothing. Signing-key
 * rotation is the exception: its event commits in the same transaction as the keys.
 */
public final class AdminRoutes {
  /** A handler that runs on the {@link AdminRoutes} it is registered for. */
  @FunctionalInterface
  interface Action {
    void handle(AdminRoutes routes, RoutingContext ctx);
  }

  /** One route of the admin API; {@code path} as the OpenAPI document writes it. */
  record Route(HttpMethod method, String path, Action action) {}

  static final List<Route> ROUTES =
      List.of(
          new Route(HttpMethod.POST, "/api/admin/users", AdminRoutes::createUser),
          new Route(HttpMethod.GET, "/api/admin/users", AdminRoutes::listUsers),
          new Route(HttpMethod.GET, "/api/admin/users/{id}", AdminRoutes::getUser),
          new Route(HttpMethod.PATCH, "/api/admin/users/{id}", AdminRoutes::updateUser),
          new Route(HttpMethod.DELETE, "/api/admin/users/{id}", AdminRoutes::deleteUser),
          new Route(HttpMethod.DELETE, "/api/admin/users/{id}/sessions", AdminRoutes::endSessions),
          new Route(HttpMethod.GET, "/api/admin/users/{id}/factors", AdminRoutes::listFactors),
          new Route(HttpMethod.DELETE, "/api/admin/users/{id}/factors", AdminRoutes::resetFactors),
          new Route(
              HttpMethod.DELETE,
              "/api/admin/users/{id}/factors/{factor}",
              AdminRoutes::removeFactor),
          new Route(HttpMethod.POST, "/api/admin/groups", AdminRoutes::createGroup),
          new Route(HttpMethod.GET, "/api/admin/groups", AdminRoutes::listGroups),
          new Route(HttpMethod.GET, "/api/admin/groups/{name}", AdminRoutes::getGroup),
          new Route(HttpMethod.PATCH, "/api/admin/groups/{name}", AdminRoutes::updateGroup),
          new Route(HttpMethod.DELETE, "/api/admin/groups/{name}", AdminRoutes::deleteGroup),
          new Route(HttpMethod.POST, "/api/admin/groups/{name}/members", AdminRoutes::addMember),
          new Route(
              HttpMethod.DELETE,
              "/api/admin/groups/{name}/members/{username}",
              AdminRoutes::removeMember),
          new Route(HttpMethod.POST, "/api/admin/apps", AdminRoutes::createApp),
          new Route(HttpMethod.GET, "/api/admin/apps", AdminRoutes::listApps),
          new Route(HttpMethod.GET, "/api/admin/apps/{id}", AdminRoutes::getApp),
          new Route(HttpMethod.PATCH, "/api/admin/apps/{id}", AdminRoutes::updateApp),
          new Route(HttpMethod.DELETE, "/api/admin/apps/{id}", AdminRoutes::deleteApp),
          new Route(HttpMethod.POST, "/api/admin/clients", AdminRoutes::createClient),
          new Route(HttpMethod.GET, "/api/admin/clients", AdminRoutes::listClients),
          new Route(HttpMethod.GET, "/api/admin/clients/{client_id}", AdminRoutes::getClient),
          new Route(HttpMethod.PATCH, "/api/admin/clients/{client_id}", AdminRoutes::updateClient),
          new Route(
              HttpMethod.POST, "/api/admin/clients/{client_id}/secret", AdminRoutes::rotateSecret),
          new Route(HttpMethod.DELETE, "/api/admin/clients/{client_id}", AdminRoutes::deleteClient),
          new Route(HttpMethod.POST, "/api/admin/api-keys", AdminRoutes::createApiKey),
          new Route(HttpMethod.GET, "/api/admin/api-keys", AdminRoutes::listApiKeys),
          new Route(HttpMethod.GET, "/api/admin/api-keys/{id}", AdminRoutes::getApiKey),
          new Route(HttpMethod.DELETE, "/api/admin/api-keys/{id}", AdminRoutes::deleteApiKey),
          new Route(HttpMethod.GET, "/api/admin/devices", AdminRoutes::listDevices),
          new Route(HttpMethod.DELETE, "/api/admin/devices/{id}", AdminRoutes::revokeDevice),
          new Route(HttpMethod.GET, "/api/admin/keys", AdminRoutes::listKeys),
          new Route(HttpMethod.POST, "/api/admin/keys/rotate", AdminRoutes::rotateKeys),
          new Route(HttpMethod.GET, "/api/admin/audit", AdminRoutes::listAudit));

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
  private final Factors factors;
  private final Sessions sessions;
  private final SigningKeys signingKeys;
  private final Audit audit;
  private final Throttle keyGuesses;
  private final ClientIps clientIps;

  public AdminRoutes(
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      Factors factors,
      Sessions sessions,
      SigningKeys signingKeys,
      Audit audit,
      Throttles throttles,
      ClientIps clientIps) {
    this.clientIps = clientIps;
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
    this.keyGuesses = throttles.perAddress("api_key");
  }

  /**
   * Every route on a virtual thread, behind the API key check; an unknown path under {@code
   * /api/admin} is checked too, so that it tells nothing to a caller without a key.
   */
  public void register(Routing routing) {
    AdminAuth auth = new AdminAuth(apiKeys, keyGuesses, clientIps);
    for (Route route : ROUTES) {
      routing.blocking(
          route.method(),
          route.path().replaceAll("\\{(\\w+)}", ":$1"),
          ctx -> {
            auth.check(ctx);
            route.action().handle(this, ctx);
          });
    }
    for (String path : List.of("/api/admin", "/api/admin/*")) {
      routing.any(
          path,
          ctx -> {
            auth.check(ctx);
            throw new Failure.NotFound("no such admin resource");
          });
    }
  }

  private void createUser(RoutingContext ctx) {
    User user = users.create(Json.read(ctx, NewUser.class));
    changed(ctx, "create", "user", user.id(), null, user, user.id(), user.username());
    created(ctx, user);
  }

  /** {@code ?username=} narrows the list to that user (or none), as the contract asks. */
  private void listUsers(RoutingContext ctx) {
    String username = ctx.queryParams().get("username");
    if (username == null) {
      page(ctx, users::list);
      return;
    }
    Page.Window window = Page.window(ctx);
    List<User> found = users.findByUsername(username).stream().toList();
    ok(
        ctx,
        new Page<>(
            found.stream().skip(window.offset()).limit(window.limit()).toList(),
            found.size(),
            window.limit(),
            window.offset()));
  }

  private void getUser(RoutingContext ctx) {
    ok(ctx, users.get(param(ctx, "id")));
  }

  private void updateUser(RoutingContext ctx) {
    Json.Patch<UserPatch> patch = Json.readPatch(ctx, UserPatch.class);
    User before = users.get(param(ctx, "id"));
    User after = users.update(before.id(), patch.value(), patch.nulls());
    changed(ctx, "update", "user", after.id(), before, after, after.id(), after.username());
    if (patch.value().password() != null) {
      audit.recordNow(
          by(ctx, AuditKind.PASSWORD_CHANGED)
              .subject(after.id(), after.username())
              .object("user", after.id())
              .reason("set through the admin API"));
    }
    ok(ctx, after);
  }

  private void deleteUser(RoutingContext ctx) {
    User before = users.get(param(ctx, "id"));
    users.delete(before.id());
    changed(ctx, "delete", "user", before.id(), before, null, before.id(), before.username());
    noContent(ctx);
  }

  private void createGroup(RoutingContext ctx) {
    Bodies.GroupBody body = Json.read(ctx, Bodies.GroupBody.class);
    Group group =
        groups.create(required("name", body.name()), Boolean.TRUE.equals(body.requireMfa()));
    changed(ctx, "create", "group", group.name(), null, group, null, null);
    created(ctx, group);
  }

  private void listGroups(RoutingContext ctx) {
    page(ctx, groups::list);
  }

  private void getGroup(RoutingContext ctx) {
    ok(ctx, groups.get(param(ctx, "name")));
  }

  /** {@code {"require_mfa": true}}: members must sign in with a second factor from now on. */
  private void updateGroup(RoutingContext ctx) {
    Boolean required = Json.read(ctx, Bodies.GroupBody.class).requireMfa();
    if (required == null) {
      throw new Failure.Invalid("require_mfa", "require_mfa (true or false) is required");
    }
    Group before = groups.get(param(ctx, "name"));
    Group after = groups.requireMfa(before.name(), required);
    changed(ctx, "update", "group", after.name(), before, after, null, null);
    ok(ctx, after);
  }

  private void deleteGroup(RoutingContext ctx) {
    Group before = groups.get(param(ctx, "name"));
    groups.delete(before.name());
    changed(ctx, "delete", "group", before.name(), before, null, null, null);
    noContent(ctx);
  }

  private void addMember(RoutingContext ctx) {
    String group = param(ctx, "name");
    String username = required("username", Json.read(ctx, Bodies.MemberBody.class).username());
    groups.addMember(group, username);
    Group after = groups.get(group);
    changed(ctx, "add_member", "group", group, null, Map.of("member", username), null, username);
    created(ctx, after);
  }

  private void removeMember(RoutingContext ctx) {
    String group = param(ctx, "name");
    String username = param(ctx, "username");
    groups.removeMember(group, username);
    changed(ctx, "remove_member", "group", group, Map.of("member", username), null, null, username);
    noContent(ctx);
  }

  private void createApp(RoutingContext ctx) {
    App app = apps.create(Json.read(ctx, AppRequest.class));
    changed(ctx, "create", "app", app.id(), null, app, null, null);
    created(ctx, app);
  }

  private void listApps(RoutingContext ctx) {
    page(ctx, apps::list);
  }

  private void getApp(RoutingContext ctx) {
    ok(ctx, apps.get(param(ctx, "id")));
  }

  private void updateApp(RoutingContext ctx) {
    AppRequest request = Json.read(ctx, AppRequest.class);
    App before = apps.get(param(ctx, "id"));
    App after = apps.update(before.id(), request);
    changed(ctx, "update", "app", after.id(), before, after, null, null);
    ok(ctx, after);
  }

  private void deleteApp(RoutingContext ctx) {
    App before = apps.get(param(ctx, "id"));
    apps.delete(before.id());
    changed(ctx, "delete", "app", before.id(), before, null, null, null);
    noContent(ctx);
  }

  private void createClient(RoutingContext ctx) {
    CreatedClient client = clients.create(Json.read(ctx, ClientRequest.class));
    changed(ctx, "create", "client", client.client().clientId(), null, client.client(), null, null);
    created(ctx, client);
  }

  private void listClients(RoutingContext ctx) {
    page(ctx, clients::list);
  }

  private void getClient(RoutingContext ctx) {
    ok(ctx, clients.get(param(ctx, "client_id")));
  }

  private void updateClient(RoutingContext ctx) {
    ClientRequest request = Json.read(ctx, ClientRequest.class);
    Client before = clients.get(param(ctx, "client_id"));
    Client after = clients.update(before.clientId(), request);
    changed(ctx, "update", "client", after.clientId(), before, after, null, null);
    ok(ctx, after);
  }

  private void rotateSecret(RoutingContext ctx) {
    CreatedClient rotated = clients.rotateSecret(param(ctx, "client_id"));
    audit.recordNow(
        by(ctx, AuditKind.CLIENT_SECRET_ROTATED).object("client", rotated.client().clientId()));
    ok(ctx, rotated);
  }

  private void deleteClient(RoutingContext ctx) {
    Client before = clients.get(param(ctx, "client_id"));
    clients.delete(before.clientId());
    changed(ctx, "delete", "client", before.clientId(), before, null, null, null);
    noContent(ctx);
  }

  private void createApiKey(RoutingContext ctx) {
    Bodies.ApiKeyBody body = Json.read(ctx, Bodies.ApiKeyBody.class);
    CreatedApiKey key = apiKeys.create(body.name(), body.role(), body.expiresAt());
    changed(ctx, "create", "api_key", key.key().id(), null, key.key(), null, null);
    created(ctx, key);
  }

  private void listApiKeys(RoutingContext ctx) {
    page(ctx, apiKeys::list);
  }

  private void getApiKey(RoutingContext ctx) {
    ok(ctx, apiKeys.get(param(ctx, "id")));
  }

  private void deleteApiKey(RoutingContext ctx) {
    ApiKey before = apiKeys.get(param(ctx, "id"));
    apiKeys.delete(before.id());
    changed(ctx, "delete", "api_key", before.id(), before, null, null, null);
    noContent(ctx);
  }

  private void listDevices(RoutingContext ctx) {
    page(ctx, (limit, offset) -> Listing.of(devices.all(), limit, offset));
  }

  private void listKeys(RoutingContext ctx) {
    page(ctx, (limit, offset) -> Listing.of(signingKeys.list(), limit, offset));
  }

  /**
   * Rotates every algorithm's signing key. The new keys are published at once and sign after {@code
   * grace_seconds} (body, optional; default from config), so relying parties can fetch them first.
   */
  private void rotateKeys(RoutingContext ctx) {
    java.time.Duration grace = null;
    if (ctx.body().length() > 0) {
      Integer seconds = Json.read(ctx, Bodies.RotateBody.class).graceSeconds();
      if (seconds != null) {
        if (seconds < 0 || seconds > 2_592_000) {
          throw new Failure.Invalid("grace_seconds", "grace_seconds must be 0 to 2592000");
        }
        grace = java.time.Duration.ofSeconds(seconds);
      }
    }
    ok(ctx, Map.of("items", signingKeys.rotate(grace, actor(ctx))));
  }

  /**
   * Signs a user out everywhere: a lost or stolen phone, or a group that now requires a second
   * factor and should apply at once. Paired devices and OAuth grants stay (they have their own
   * revocations).
   */
  private void endSessions(RoutingContext ctx) {
    User user = users.get(param(ctx, "id"));
    int ended = sessions.endAll(user.id());
    audit.recordNow(
        by(ctx, AuditKind.SESSION_REVOKED)
            .subject(user.id(), user.username())
            .object("session", "all")
            .details(Map.of("ended", ended))
            .reason("revoked through the admin API"));
    Json.send(ctx, 200, Map.of("ended", ended));
  }

  /** A user's second factors: TOTP, passkeys and security keys, recovery codes left. */
  private void listFactors(RoutingContext ctx) {
    User user = users.get(param(ctx, "id"));
    ok(ctx, factors.of(user.id()));
  }

  /**
   * Removes every second factor and recovery code of a user who lost them: they sign in with their
   * password and, where required, set up a new one. Their sessions stay; revoke them too if the
   * loss may be a theft.
   */
  private void resetFactors(RoutingContext ctx) {
    User user = users.get(param(ctx, "id"));
    if (!factors.reset(user.id())) {
      throw new Failure.NotFound("user " + user.username() + " has no second factor");
    }
    factorRemoved(ctx, user, "all");
    noContent(ctx);
  }

  /** {@code factor}: {@code totp}, {@code recovery_codes}, or a passkey's id. */
  private void removeFactor(RoutingContext ctx) {
    User user = users.get(param(ctx, "id"));
    String factor = param(ctx, "factor");
    boolean removed =
        switch (factor) {
          case "totp" -> factors.removeTotp(user.id());
          case "recovery_codes" -> factors.removeRecoveryCodes(user.id());
          default -> factors.removePasskey(user.id(), factor);
        };
    if (!removed) {
      throw new Failure.NotFound("user " + user.username() + " has no factor " + factor);
    }
    factorRemoved(ctx, user, factor);
    noContent(ctx);
  }

  private void factorRemoved(RoutingContext ctx, User user, String factor) {
    audit.recordNow(
        by(ctx, AuditKind.SECOND_FACTOR_REMOVED)
            .subject(user.id(), user.username())
            .object("factor", factor)
            .reason("removed through the admin API"));
  }

  private void revokeDevice(RoutingContext ctx) {
    String id = param(ctx, "id");
    Device before = devices.all().stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    devices.revoke(null, id);
    audit.recordNow(
        by(ctx, AuditKind.DEVICE_REVOKED)
            .subject(before == null ? null : before.userId(), null)
            .object("device", id)
            .details(before == null ? Map.of() : Map.of("before", summary(before))));
    noContent(ctx);
  }

  /**
   * {@code GET /api/admin/audit}: events newest first, filtered by {@code since}/{@code until} (RFC
   * 3339), {@code user} (id or username), {@code kind} (repeated or comma-separated) and {@code
   * actor} (API key id or name, user id, or an actor kind), paged by {@code cursor}.
   */
  private void listAudit(RoutingContext ctx) {
    Instant since = instant(ctx, "since");
    Instant until = instant(ctx, "until");
    if (since != null && until != null && !until.isAfter(since)) {
      throw new Failure.Invalid("until", "until must be later than since");
    }
    String user = text(ctx, "user");
    AuditPage page =
        audit.query(
            new AuditQuery(
                since,
                until,
                user,
                user == null ? null : users.findByUsername(user).map(User::id).orElse(null),
                kinds(ctx),
                text(ctx, "actor"),
                text(ctx, "cursor"),
                limit(ctx)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", page.events().stream().map(Audit::fields).toList());
    body.put("next_cursor", page.nextCursor());
    ok(ctx, body);
  }

  private static @Nullable Instant instant(RoutingContext ctx, String name) {
    String value = text(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new Failure.Invalid(
          name, name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
    }
  }

  private static Set<AuditKind> kinds(RoutingContext ctx) {
    if (!ctx.queryParams().contains("kind")) {
      return Set.of();
    }
    Set<AuditKind> kinds = EnumSet.noneOf(AuditKind.class);
    for (String value : ctx.queryParams().getAll("kind")) {
      for (String name : value.split(",", -1)) {
        kinds.add(
            AuditKind.parse(name.strip())
                .orElseThrow(
                    () ->
                        new Failure.Invalid(
                            "kind",
                            "unknown kind '"
                                + name.strip()
                                + "'; one of "
                                + Arrays.stream(AuditKind.values())
                                    .map(AuditKind::wire)
                                    .collect(Collectors.joining(", ")))));
      }
    }
    return kinds;
  }

  private static int limit(RoutingContext ctx) {
    String value = text(ctx, "limit");
    if (value == null) {
      return AuditQuery.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= AuditQuery.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Failure.Invalid(
        "limit", "limit must be an integer from 1 to " + AuditQuery.MAX_LIMIT);
  }

  /** A query parameter, or null when absent or blank. */
  private static @Nullable String text(RoutingContext ctx, String name) {
    String value = Http.query(ctx, name, "").strip();
    return value.isEmpty() ? null : value;
  }

  /** The API key that authenticated this request ({@link AdminAuth} put it there). */
  private static Actor actor(RoutingContext ctx) {
    ApiKey key = ctx.get(AdminAuth.KEY);
    if (key == null) {
      throw new IllegalStateException("admin route reached without a key");
    }
    return Actor.apiKey(key.id(), key.name());
  }

  /** An event of this request: its API key as the actor, its address and user agent. */
  private AuditEntry by(RoutingContext ctx, AuditKind kind) {
    return AuditEntry.of(kind, actor(ctx))
        .from(clientIps.of(ctx), ctx.request().getHeader("User-Agent"));
  }

  /**
   * Records an admin change once it has committed: what was done to which object, and summaries of
   * it before and after (the objects' API shapes, from which {@link AuditEntry} drops anything
   * naming a credential).
   */
  private void changed(
      RoutingContext ctx,
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
        by(ctx, AuditKind.ADMIN_CHANGE)
            .subject(subjectUserId, subjectUsername)
            .object(type, id)
            .details(details));
  }

  private static Map<String, Object> summary(Object value) {
    return Json.MAPPER.convertValue(value, new TypeReference<Map<String, Object>>() {});
  }

  private static <T> void page(RoutingContext ctx, BiFunction<Integer, Integer, Listing<T>> list) {
    Page.Window window = Page.window(ctx);
    Listing<T> listing = list.apply(window.limit(), window.offset());
    ok(ctx, new Page<>(listing.items(), listing.total(), window.limit(), window.offset()));
  }

  private static String param(RoutingContext ctx, String name) {
    return ctx.pathParam(name);
  }

  private static String required(String field, @Nullable String value) {
    if (value == null) {
      throw new Failure.Invalid(field, field + " is required");
    }
    return value;
  }

  private static void ok(RoutingContext ctx, Object body) {
    Json.send(ctx, 200, body);
  }

  private static void created(RoutingContext ctx, Object body) {
    Json.send(ctx, 201, body);
  }

  private static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }
}
