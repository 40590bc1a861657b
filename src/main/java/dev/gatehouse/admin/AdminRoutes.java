package dev.gatehouse.admin;

import dev.gatehouse.admin.provisioning.Declaration;
import dev.gatehouse.admin.provisioning.Provisioner;
import dev.gatehouse.admin.provisioning.ProvisioningException;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditPage;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.Listing;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Page;
import dev.gatehouse.web.Routing;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The admin REST API under {@code /api/admin}. Handlers parse, read through a facade or change
 * through {@link Administration} (which validates and audits with the request's API key as the
 * actor, as it does for the console), and render; errors are thrown as {@link Failure}s and mapped
 * in one place. The routes are one table, {@link #ROUTES}, so that tests can check that {@code
 * openapi.json} documents every one of them and that the console has each or says why not. All run
 * on virtual threads: they read through the pool or write through the writer.
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
          new Route(HttpMethod.GET, "/api/admin/audit", AdminRoutes::listAudit),
          new Route(HttpMethod.POST, "/api/admin/provisioning", AdminRoutes::provision));

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
  private final Factors factors;
  private final SigningKeys signingKeys;
  private final Audit audit;
  private final Throttle keyGuesses;
  private final ClientIps clientIps;
  private final Administration admin;
  private final Provisioner provisioner;

  public AdminRoutes(
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      Factors factors,
      SigningKeys signingKeys,
      Audit audit,
      Administration admin,
      Provisioner provisioner,
      Throttles throttles,
      ClientIps clientIps) {
    this.admin = admin;
    this.provisioner = provisioner;
    this.clientIps = clientIps;
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.devices = devices;
    this.factors = factors;
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
    created(ctx, admin.createUser(origin(ctx), Json.read(ctx, NewUser.class)));
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
    ok(ctx, admin.updateUser(origin(ctx), param(ctx, "id"), patch.value(), patch.nulls()));
  }

  private void deleteUser(RoutingContext ctx) {
    admin.deleteUser(origin(ctx), param(ctx, "id"));
    noContent(ctx);
  }

  private void createGroup(RoutingContext ctx) {
    Bodies.GroupBody body = Json.read(ctx, Bodies.GroupBody.class);
    created(
        ctx,
        admin.createGroup(
            origin(ctx), required("name", body.name()), Boolean.TRUE.equals(body.requireMfa())));
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
    ok(ctx, admin.requireMfa(origin(ctx), param(ctx, "name"), required));
  }

  private void deleteGroup(RoutingContext ctx) {
    admin.deleteGroup(origin(ctx), param(ctx, "name"));
    noContent(ctx);
  }

  private void addMember(RoutingContext ctx) {
    String group = param(ctx, "name");
    String username = required("username", Json.read(ctx, Bodies.MemberBody.class).username());
    admin.addMember(origin(ctx), group, username);
    created(ctx, groups.get(group));
  }

  private void removeMember(RoutingContext ctx) {
    admin.removeMember(origin(ctx), param(ctx, "name"), param(ctx, "username"));
    noContent(ctx);
  }

  private void createApp(RoutingContext ctx) {
    created(ctx, admin.createApp(origin(ctx), Json.read(ctx, AppRequest.class)));
  }

  private void listApps(RoutingContext ctx) {
    page(ctx, apps::list);
  }

  private void getApp(RoutingContext ctx) {
    ok(ctx, apps.get(param(ctx, "id")));
  }

  private void updateApp(RoutingContext ctx) {
    AppRequest request = Json.read(ctx, AppRequest.class);
    ok(ctx, admin.updateApp(origin(ctx), param(ctx, "id"), request));
  }

  private void deleteApp(RoutingContext ctx) {
    admin.deleteApp(origin(ctx), param(ctx, "id"));
    noContent(ctx);
  }

  private void createClient(RoutingContext ctx) {
    created(ctx, admin.createClient(origin(ctx), Json.read(ctx, ClientRequest.class)));
  }

  private void listClients(RoutingContext ctx) {
    page(ctx, clients::list);
  }

  private void getClient(RoutingContext ctx) {
    ok(ctx, clients.get(param(ctx, "client_id")));
  }

  private void updateClient(RoutingContext ctx) {
    ClientRequest request = Json.read(ctx, ClientRequest.class);
    ok(ctx, admin.updateClient(origin(ctx), param(ctx, "client_id"), request));
  }

  private void rotateSecret(RoutingContext ctx) {
    ok(ctx, admin.rotateSecret(origin(ctx), param(ctx, "client_id")));
  }

  private void deleteClient(RoutingContext ctx) {
    admin.deleteClient(origin(ctx), param(ctx, "client_id"));
    noContent(ctx);
  }

  private void createApiKey(RoutingContext ctx) {
    Bodies.ApiKeyBody body = Json.read(ctx, Bodies.ApiKeyBody.class);
    created(ctx, admin.createApiKey(origin(ctx), body.name(), body.role(), body.expiresAt()));
  }

  private void listApiKeys(RoutingContext ctx) {
    page(ctx, apiKeys::list);
  }

  private void getApiKey(RoutingContext ctx) {
    ok(ctx, apiKeys.get(param(ctx, "id")));
  }

  private void deleteApiKey(RoutingContext ctx) {
    admin.deleteApiKey(origin(ctx), param(ctx, "id"));
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
        grace = java.time.Duration.ofSeconds(seconds);
      }
    }
    ok(ctx, Map.of("items", admin.rotateKeys(origin(ctx), grace)));
  }

  private void endSessions(RoutingContext ctx) {
    Json.send(ctx, 200, Map.of("ended", admin.endSessions(origin(ctx), param(ctx, "id"))));
  }

  /** A user's second factors: TOTP, passkeys and security keys, recovery codes left. */
  private void listFactors(RoutingContext ctx) {
    User user = users.get(param(ctx, "id"));
    ok(ctx, factors.of(user.id()));
  }

  private void resetFactors(RoutingContext ctx) {
    admin.resetFactors(origin(ctx), param(ctx, "id"));
    noContent(ctx);
  }

  /** {@code factor}: {@code totp}, {@code recovery_codes}, or a passkey's id. */
  private void removeFactor(RoutingContext ctx) {
    admin.removeFactor(origin(ctx), param(ctx, "id"), param(ctx, "factor"));
    noContent(ctx);
  }

  private void revokeDevice(RoutingContext ctx) {
    admin.revokeDevice(origin(ctx), param(ctx, "id"));
    noContent(ctx);
  }

  /**
   * {@code GET /api/admin/audit}: events newest first, filtered and paged as {@link AuditFilters}
   * reads the query.
   */
  private void listAudit(RoutingContext ctx) {
    AuditPage page = audit.query(AuditFilters.read(ctx, users));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", page.events().stream().map(Audit::fields).toList());
    body.put("next_cursor", page.nextCursor());
    ok(ctx, body);
  }

  /** The API key that authenticated this request ({@link AdminAuth} put it there). */
  /**
   * Applies a provisioning file that {@code gatehouse apply} read, resolved and sent (as JSON; the
   * server reads no file of the caller's): {@code ?dry_run=true} reports without changing, {@code
   * ?prune=true} deletes managed objects it no longer declares.
   */
  private void provision(RoutingContext ctx) {
    Declaration declaration = Json.read(ctx, Declaration.class);
    Provisioner.Outcome outcome;
    try {
      outcome =
          provisioner.apply(
              declaration,
              flag(ctx, "prune"),
              flag(ctx, "dry_run"),
              new Provisioner.By(
                  origin(ctx).actor(), clientIps.of(ctx), ctx.request().getHeader("User-Agent")));
    } catch (ProvisioningException e) {
      throw new Failure.Invalid("file", e.getMessage());
    }
    ok(
        ctx,
        Map.of(
            "applied",
            outcome.applied(),
            "changes",
            outcome.changes().stream().map(Object::toString).toList()));
  }

  private static boolean flag(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new Failure.Invalid(name, name + " must be true or false");
  }

  private Administration.Origin origin(RoutingContext ctx) {
    ApiKey key = ctx.get(AdminAuth.KEY);
    if (key == null) {
      throw new IllegalStateException("admin route reached without a key");
    }
    return new Administration.Origin(
        Actor.apiKey(key.id(), key.name()),
        clientIps.of(ctx),
        ctx.request().getHeader("User-Agent"),
        "the admin API");
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
