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
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Page;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
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
public final class AdminRoutes implements HttpService {
  /** A handler that runs on the {@link AdminRoutes} it is registered for. */
  @FunctionalInterface
  interface Action {
    void handle(AdminRoutes routes, ServerRequest req, ServerResponse res);
  }

  /** One route of the admin API. */
  record Route(Method method, String path, Action action) {}

  static final List<Route> ROUTES =
      List.of(
          new Route(Method.POST, "/api/admin/users", AdminRoutes::createUser),
          new Route(Method.GET, "/api/admin/users", AdminRoutes::listUsers),
          new Route(Method.GET, "/api/admin/users/{id}", AdminRoutes::getUser),
          new Route(Method.PATCH, "/api/admin/users/{id}", AdminRoutes::updateUser),
          new Route(Method.DELETE, "/api/admin/users/{id}", AdminRoutes::deleteUser),
          new Route(Method.POST, "/api/admin/groups", AdminRoutes::createGroup),
          new Route(Method.GET, "/api/admin/groups", AdminRoutes::listGroups),
          new Route(Method.GET, "/api/admin/groups/{name}", AdminRoutes::getGroup),
          new Route(Method.DELETE, "/api/admin/groups/{name}", AdminRoutes::deleteGroup),
          new Route(Method.POST, "/api/admin/groups/{name}/members", AdminRoutes::addMember),
          new Route(
              Method.DELETE,
              "/api/admin/groups/{name}/members/{username}",
              AdminRoutes::removeMember),
          new Route(Method.POST, "/api/admin/apps", AdminRoutes::createApp),
          new Route(Method.GET, "/api/admin/apps", AdminRoutes::listApps),
          new Route(Method.GET, "/api/admin/apps/{id}", AdminRoutes::getApp),
          new Route(Method.PATCH, "/api/admin/apps/{id}", AdminRoutes::updateApp),
          new Route(Method.DELETE, "/api/admin/apps/{id}", AdminRoutes::deleteApp),
          new Route(Method.POST, "/api/admin/clients", AdminRoutes::createClient),
          new Route(Method.GET, "/api/admin/clients", AdminRoutes::listClients),
          new Route(Method.GET, "/api/admin/clients/{client_id}", AdminRoutes::getClient),
          new Route(Method.PATCH, "/api/admin/clients/{client_id}", AdminRoutes::updateClient),
          new Route(
              Method.POST, "/api/admin/clients/{client_id}/secret", AdminRoutes::rotateSecret),
          new Route(Method.DELETE, "/api/admin/clients/{client_id}", AdminRoutes::deleteClient),
          new Route(Method.POST, "/api/admin/api-keys", AdminRoutes::createApiKey),
          new Route(Method.GET, "/api/admin/api-keys", AdminRoutes::listApiKeys),
          new Route(Method.GET, "/api/admin/api-keys/{id}", AdminRoutes::getApiKey),
          new Route(Method.DELETE, "/api/admin/api-keys/{id}", AdminRoutes::deleteApiKey),
          new Route(Method.GET, "/api/admin/devices", AdminRoutes::listDevices),
          new Route(Method.DELETE, "/api/admin/devices/{id}", AdminRoutes::revokeDevice),
          new Route(Method.GET, "/api/admin/keys", AdminRoutes::listKeys),
          new Route(Method.POST, "/api/admin/keys/rotate", AdminRoutes::rotateKeys),
          new Route(Method.GET, "/api/admin/audit", AdminRoutes::listAudit));

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
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
    this.signingKeys = signingKeys;
    this.audit = audit;
    this.keyGuesses = throttles.perAddress("api_key");
  }

  @Override
  public void routing(HttpRules rules) {
    AdminAuth auth = new AdminAuth(apiKeys, keyGuesses, clientIps);
    rules.any("/api/admin", auth).any("/api/admin/*", auth);
    for (Route route : ROUTES) {
      rules.route(
          route.method(), route.path(), (req, res) -> route.action().handle(this, req, res));
    }
  }

  private void createUser(ServerRequest req, ServerResponse res) {
    User user = users.create(Json.read(req, NewUser.class));
    changed(req, "create", "user", user.id(), null, user, user.id(), user.username());
    created(res, user);
  }

  /** {@code ?username=} narrows the list to that user (or none), as the contract asks. */
  private void listUsers(ServerRequest req, ServerResponse res) {
    var username = req.query().first("username");
    if (username.isEmpty()) {
      page(req, res, users::list);
      return;
    }
    Page.Window window = Page.window(req);
    List<User> found = users.findByUsername(username.get()).stream().toList();
    ok(
        res,
        new Page<>(
            found.stream().skip(window.offset()).limit(window.limit()).toList(),
            found.size(),
            window.limit(),
            window.offset()));
  }

  private void getUser(ServerRequest req, ServerResponse res) {
    ok(res, users.get(param(req, "id")));
  }

  private void updateUser(ServerRequest req, ServerResponse res) {
    Json.Patch<UserPatch> patch = Json.readPatch(req, UserPatch.class);
    User before = users.get(param(req, "id"));
    User after = users.update(before.id(), patch.value(), patch.nulls());
    changed(req, "update", "user", after.id(), before, after, after.id(), after.username());
    if (patch.value().password() != null) {
      audit.recordNow(
          by(req, AuditKind.PASSWORD_CHANGED)
              .subject(after.id(), after.username())
              .object("user", after.id())
              .reason("set through the admin API"));
    }
    ok(res, after);
  }

  private void deleteUser(ServerRequest req, ServerResponse res) {
    User before = users.get(param(req, "id"));
    users.delete(before.id());
    changed(req, "delete", "user", before.id(), before, null, before.id(), before.username());
    noContent(res);
  }

  private void createGroup(ServerRequest req, ServerResponse res) {
    Group group = groups.create(required("name", Json.read(req, Bodies.GroupBody.class).name()));
    changed(req, "create", "group", group.name(), null, group, null, null);
    created(res, group);
  }

  private void listGroups(ServerRequest req, ServerResponse res) {
    page(req, res, groups::list);
  }

  private void getGroup(ServerRequest req, ServerResponse res) {
    ok(res, groups.get(param(req, "name")));
  }

  private void deleteGroup(ServerRequest req, ServerResponse res) {
    Group before = groups.get(param(req, "name"));
    groups.delete(before.name());
    changed(req, "delete", "group", before.name(), before, null, null, null);
    noContent(res);
  }

  private void addMember(ServerRequest req, ServerResponse res) {
    String group = param(req, "name");
    String username = required("username", Json.read(req, Bodies.MemberBody.class).username());
    groups.addMember(group, username);
    Group after = groups.get(group);
    changed(req, "add_member", "group", group, null, Map.of("member", username), null, username);
    created(res, after);
  }

  private void removeMember(ServerRequest req, ServerResponse res) {
    String group = param(req, "name");
    String username = param(req, "username");
    groups.removeMember(group, username);
    changed(req, "remove_member", "group", group, Map.of("member", username), null, null, username);
    noContent(res);
  }

  private void createApp(ServerRequest req, ServerResponse res) {
    App app = apps.create(Json.read(req, AppRequest.class));
    changed(req, "create", "app", app.id(), null, app, null, null);
    created(res, app);
  }

  private void listApps(ServerRequest req, ServerResponse res) {
    page(req, res, apps::list);
  }

  private void getApp(ServerRequest req, ServerResponse res) {
    ok(res, apps.get(param(req, "id")));
  }

  private void updateApp(ServerRequest req, ServerResponse res) {
    AppRequest request = Json.read(req, AppRequest.class);
    App before = apps.get(param(req, "id"));
    App after = apps.update(before.id(), request);
    changed(req, "update", "app", after.id(), before, after, null, null);
    ok(res, after);
  }

  private void deleteApp(ServerRequest req, ServerResponse res) {
    App before = apps.get(param(req, "id"));
    apps.delete(before.id());
    changed(req, "delete", "app", before.id(), before, null, null, null);
    noContent(res);
  }

  private void createClient(ServerRequest req, ServerResponse res) {
    CreatedClient client = clients.create(Json.read(req, ClientRequest.class));
    changed(req, "create", "client", client.client().clientId(), null, client.client(), null, null);
    created(res, client);
  }

  private void listClients(ServerRequest req, ServerResponse res) {
    page(req, res, clients::list);
  }

  private void getClient(ServerRequest req, ServerResponse res) {
    ok(res, clients.get(param(req, "client_id")));
  }

  private void updateClient(ServerRequest req, ServerResponse res) {
    ClientRequest request = Json.read(req, ClientRequest.class);
    Client before = clients.get(param(req, "client_id"));
    Client after = clients.update(before.clientId(), request);
    changed(req, "update", "client", after.clientId(), before, after, null, null);
    ok(res, after);
  }

  private void rotateSecret(ServerRequest req, ServerResponse res) {
    CreatedClient rotated = clients.rotateSecret(param(req, "client_id"));
    audit.recordNow(
        by(req, AuditKind.CLIENT_SECRET_ROTATED).object("client", rotated.client().clientId()));
    ok(res, rotated);
  }

  private void deleteClient(ServerRequest req, ServerResponse res) {
    Client before = clients.get(param(req, "client_id"));
    clients.delete(before.clientId());
    changed(req, "delete", "client", before.clientId(), before, null, null, null);
    noContent(res);
  }

  private void createApiKey(ServerRequest req, ServerResponse res) {
    Bodies.ApiKeyBody body = Json.read(req, Bodies.ApiKeyBody.class);
    CreatedApiKey key = apiKeys.create(body.name(), body.role(), body.expiresAt());
    changed(req, "create", "api_key", key.key().id(), null, key.key(), null, null);
    created(res, key);
  }

  private void listApiKeys(ServerRequest req, ServerResponse res) {
    page(req, res, apiKeys::list);
  }

  private void getApiKey(ServerRequest req, ServerResponse res) {
    ok(res, apiKeys.get(param(req, "id")));
  }

  private void deleteApiKey(ServerRequest req, ServerResponse res) {
    ApiKey before = apiKeys.get(param(req, "id"));
    apiKeys.delete(before.id());
    changed(req, "delete", "api_key", before.id(), before, null, null, null);
    noContent(res);
  }

  private void listDevices(ServerRequest req, ServerResponse res) {
    page(req, res, (limit, offset) -> Listing.of(devices.all(), limit, offset));
  }

  private void listKeys(ServerRequest req, ServerResponse res) {
    page(req, res, (limit, offset) -> Listing.of(signingKeys.list(), limit, offset));
  }

  /**
   * Rotates every algorithm's signing key. The new keys are published at once and sign after {@code
   * grace_seconds} (body, optional; default from config), so relying parties can fetch them first.
   */
  private void rotateKeys(ServerRequest req, ServerResponse res) {
    java.time.Duration grace = null;
    if (req.content().hasEntity()) {
      Integer seconds = Json.read(req, Bodies.RotateBody.class).graceSeconds();
      if (seconds != null) {
        if (seconds < 0 || seconds > 2_592_000) {
          throw new Failure.Invalid("grace_seconds", "grace_seconds must be 0 to 2592000");
        }
        grace = java.time.Duration.ofSeconds(seconds);
      }
    }
    ok(res, Map.of("items", signingKeys.rotate(grace, actor(req))));
  }

  private void revokeDevice(ServerRequest req, ServerResponse res) {
    String id = param(req, "id");
    Device before = devices.all().stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    devices.revoke(null, id);
    audit.recordNow(
        by(req, AuditKind.DEVICE_REVOKED)
            .subject(before == null ? null : before.userId(), null)
            .object("device", id)
            .details(before == null ? Map.of() : Map.of("before", summary(before))));
    noContent(res);
  }

  /**
   * {@code GET /api/admin/audit}: events newest first, filtered by {@code since}/{@code until} (RFC
   * 3339), {@code user} (id or username), {@code kind} (repeated or comma-separated) and {@code
   * actor} (API key id or name, user id, or an actor kind), paged by {@code cursor}.
   */
  private void listAudit(ServerRequest req, ServerResponse res) {
    Instant since = instant(req, "since");
    Instant until = instant(req, "until");
    if (since != null && until != null && !until.isAfter(since)) {
      throw new Failure.Invalid("until", "until must be later than since");
    }
    String user = text(req, "user");
    AuditPage page =
        audit.query(
            new AuditQuery(
                since,
                until,
                user,
                user == null ? null : users.findByUsername(user).map(User::id).orElse(null),
                kinds(req),
                text(req, "actor"),
                text(req, "cursor"),
                limit(req)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", page.events().stream().map(Audit::fields).toList());
    body.put("next_cursor", page.nextCursor());
    ok(res, body);
  }

  private static @Nullable Instant instant(ServerRequest req, String name) {
    String value = text(req, name);
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

  private static Set<AuditKind> kinds(ServerRequest req) {
    if (!req.query().contains("kind")) {
      return Set.of();
    }
    Set<AuditKind> kinds = EnumSet.noneOf(AuditKind.class);
    for (String value : req.query().all("kind")) {
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

  private static int limit(ServerRequest req) {
    String value = text(req, "limit");
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
  private static @Nullable String text(ServerRequest req, String name) {
    String value = req.query().first(name).orElse("").strip();
    return value.isEmpty() ? null : value;
  }

  /** The API key that authenticated this request ({@link AdminAuth} put it there). */
  private static Actor actor(ServerRequest req) {
    ApiKey key =
        req.context()
            .get(ApiKey.class)
            .orElseThrow(() -> new IllegalStateException("admin route reached without a key"));
    return Actor.apiKey(key.id(), key.name());
  }

  /** An event of this request: its API key as the actor, its address and user agent. */
  private AuditEntry by(ServerRequest req, AuditKind kind) {
    return AuditEntry.of(kind, actor(req))
        .from(clientIps.of(req), req.headers().first(HeaderNames.USER_AGENT).orElse(null));
  }

  /**
   * Records an admin change once it has committed: what was done to which object, and summaries of
   * it before and after (the objects' API shapes, from which {@link AuditEntry} drops anything
   * naming a credential).
   */
  private void changed(
      ServerRequest req,
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
        by(req, AuditKind.ADMIN_CHANGE)
            .subject(subjectUserId, subjectUsername)
            .object(type, id)
            .details(details));
  }

  private static Map<String, Object> summary(Object value) {
    return Json.MAPPER.convertValue(value, new TypeReference<Map<String, Object>>() {});
  }

  private static <T> void page(
      ServerRequest req, ServerResponse res, BiFunction<Integer, Integer, Listing<T>> list) {
    Page.Window window = Page.window(req);
    Listing<T> listing = list.apply(window.limit(), window.offset());
    ok(res, new Page<>(listing.items(), listing.total(), window.limit(), window.offset()));
  }

  private static String param(ServerRequest req, String name) {
    return req.path().pathParameters().get(name);
  }

  private static String required(String field, @Nullable String value) {
    if (value == null) {
      throw new Failure.Invalid(field, field + " is required");
    }
    return value;
  }

  private static void ok(ServerResponse res, Object body) {
    Json.send(res, Status.OK_200, body);
  }

  private static void created(ServerResponse res, Object body) {
    Json.send(res, Status.CREATED_201, body);
  }

  private static void noContent(ServerResponse res) {
    res.status(Status.NO_CONTENT_204).send();
  }
}
