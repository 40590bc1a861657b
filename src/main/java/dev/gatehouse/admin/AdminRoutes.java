package dev.gatehouse.admin;

import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.Listing;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Page;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The admin REST API under {@code /api/admin}. Handlers parse, call a facade and render; errors are
 * thrown as {@link Failure}s and mapped in one place. The routes are one table, {@link #ROUTES}, so
 * that a test can check {@code openapi.json} documents every one of them.
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
          new Route(Method.POST, "/api/admin/keys/rotate", AdminRoutes::rotateKeys));

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
  private final SigningKeys signingKeys;
  private final Throttle keyGuesses;

  public AdminRoutes(
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      SigningKeys signingKeys,
      Throttles throttles) {
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.devices = devices;
    this.signingKeys = signingKeys;
    this.keyGuesses = throttles.perAddress("api_key");
  }

  @Override
  public void routing(HttpRules rules) {
    AdminAuth auth = new AdminAuth(apiKeys, keyGuesses);
    rules.any("/api/admin", auth).any("/api/admin/*", auth);
    for (Route route : ROUTES) {
      rules.route(
          route.method(), route.path(), (req, res) -> route.action().handle(this, req, res));
    }
  }

  private void createUser(ServerRequest req, ServerResponse res) {
    created(res, users.create(Json.read(req, NewUser.class)));
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
    ok(res, users.update(param(req, "id"), patch.value(), patch.nulls()));
  }

  private void deleteUser(ServerRequest req, ServerResponse res) {
    users.delete(param(req, "id"));
    noContent(res);
  }

  private void createGroup(ServerRequest req, ServerResponse res) {
    created(res, groups.create(required("name", Json.read(req, Bodies.GroupBody.class).name())));
  }

  private void listGroups(ServerRequest req, ServerResponse res) {
    page(req, res, groups::list);
  }

  private void getGroup(ServerRequest req, ServerResponse res) {
    ok(res, groups.get(param(req, "name")));
  }

  private void deleteGroup(ServerRequest req, ServerResponse res) {
    groups.delete(param(req, "name"));
    noContent(res);
  }

  private void addMember(ServerRequest req, ServerResponse res) {
    String group = param(req, "name");
    String username = required("username", Json.read(req, Bodies.MemberBody.class).username());
    groups.addMember(group, username);
    created(res, groups.get(group));
  }

  private void removeMember(ServerRequest req, ServerResponse res) {
    groups.removeMember(param(req, "name"), param(req, "username"));
    noContent(res);
  }

  private void createApp(ServerRequest req, ServerResponse res) {
    created(res, apps.create(Json.read(req, AppRequest.class)));
  }

  private void listApps(ServerRequest req, ServerResponse res) {
    page(req, res, apps::list);
  }

  private void getApp(ServerRequest req, ServerResponse res) {
    ok(res, apps.get(param(req, "id")));
  }

  private void updateApp(ServerRequest req, ServerResponse res) {
    ok(res, apps.update(param(req, "id"), Json.read(req, AppRequest.class)));
  }

  private void deleteApp(ServerRequest req, ServerResponse res) {
    apps.delete(param(req, "id"));
    noContent(res);
  }

  private void createClient(ServerRequest req, ServerResponse res) {
    created(res, clients.create(Json.read(req, ClientRequest.class)));
  }

  private void listClients(ServerRequest req, ServerResponse res) {
    page(req, res, clients::list);
  }

  private void getClient(ServerRequest req, ServerResponse res) {
    ok(res, clients.get(param(req, "client_id")));
  }

  private void updateClient(ServerRequest req, ServerResponse res) {
    ok(res, clients.update(param(req, "client_id"), Json.read(req, ClientRequest.class)));
  }

  private void rotateSecret(ServerRequest req, ServerResponse res) {
    ok(res, clients.rotateSecret(param(req, "client_id")));
  }

  private void deleteClient(ServerRequest req, ServerResponse res) {
    clients.delete(param(req, "client_id"));
    noContent(res);
  }

  private void createApiKey(ServerRequest req, ServerResponse res) {
    Bodies.ApiKeyBody body = Json.read(req, Bodies.ApiKeyBody.class);
    created(res, apiKeys.create(body.name(), body.role(), body.expiresAt()));
  }

  private void listApiKeys(ServerRequest req, ServerResponse res) {
    page(req, res, apiKeys::list);
  }

  private void getApiKey(ServerRequest req, ServerResponse res) {
    ok(res, apiKeys.get(param(req, "id")));
  }

  private void deleteApiKey(ServerRequest req, ServerResponse res) {
    apiKeys.delete(param(req, "id"));
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
    ok(res, java.util.Map.of("items", signingKeys.rotate(grace)));
  }

  private void revokeDevice(ServerRequest req, ServerResponse res) {
    devices.revoke(null, param(req, "id"));
    noContent(res);
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
