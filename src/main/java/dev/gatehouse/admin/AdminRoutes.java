package dev.gatehouse.admin;

import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Page;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The admin REST API under {@code /api/admin}. Handlers parse, call a facade and render; errors are
 * thrown as {@link Failure}s and mapped in one place. Every route here is listed in {@code
 * openapi.json} (a test checks it).
 */
public final class AdminRoutes implements HttpService {
  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;

  public AdminRoutes(
      Users users, Groups groups, Apps apps, Clients clients, ApiKeys apiKeys, Devices devices) {
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.devices = devices;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .any("/api/admin", new AdminAuth(apiKeys))
        .any("/api/admin/*", new AdminAuth(apiKeys))
        .post(
            "/api/admin/users",
            (req, res) -> created(res, users.create(Json.read(req, NewUser.class))))
        .get("/api/admin/users", this::listUsers)
        .get("/api/admin/users/{id}", (req, res) -> ok(res, users.get(param(req, "id"))))
        .patch(
            "/api/admin/users/{id}",
            (req, res) -> ok(res, users.update(param(req, "id"), Json.read(req, UserPatch.class))))
        .delete(
            "/api/admin/users/{id}",
            (req, res) -> {
              users.delete(param(req, "id"));
              noContent(res);
            })
        .post(
            "/api/admin/groups",
            (req, res) ->
                created(res, groups.create(name(Json.read(req, Bodies.GroupBody.class).name()))))
        .get("/api/admin/groups", (req, res) -> page(req, res, groups::list))
        .get("/api/admin/groups/{name}", (req, res) -> ok(res, groups.get(param(req, "name"))))
        .delete(
            "/api/admin/groups/{name}",
            (req, res) -> {
              groups.delete(param(req, "name"));
              noContent(res);
            })
        .post(
            "/api/admin/groups/{name}/members",
            (req, res) -> {
              String group = param(req, "name");
              groups.addMember(group, username(Json.read(req, Bodies.MemberBody.class).username()));
              created(res, groups.get(group));
            })
        .delete(
            "/api/admin/groups/{name}/members/{username}",
            (req, res) -> {
              groups.removeMember(param(req, "name"), param(req, "username"));
              noContent(res);
            })
        .post(
            "/api/admin/apps",
            (req, res) -> created(res, apps.create(Json.read(req, AppRequest.class))))
        .get("/api/admin/apps", (req, res) -> page(req, res, apps::list))
        .get("/api/admin/apps/{id}", (req, res) -> ok(res, apps.get(param(req, "id"))))
        .patch(
            "/api/admin/apps/{id}",
            (req, res) -> ok(res, apps.update(param(req, "id"), Json.read(req, AppRequest.class))))
        .delete(
            "/api/admin/apps/{id}",
            (req, res) -> {
              apps.delete(param(req, "id"));
              noContent(res);
            })
        .post(
            "/api/admin/clients",
            (req, res) -> created(res, clients.create(Json.read(req, ClientRequest.class))))
        .get("/api/admin/clients", (req, res) -> page(req, res, clients::list))
        .get(
            "/api/admin/clients/{client_id}",
            (req, res) -> ok(res, clients.get(param(req, "client_id"))))
        .patch(
            "/api/admin/clients/{client_id}",
            (req, res) ->
                ok(
                    res,
                    clients.update(param(req, "client_id"), Json.read(req, ClientRequest.class))))
        .post(
            "/api/admin/clients/{client_id}/secret",
            (req, res) -> ok(res, clients.rotateSecret(param(req, "client_id"))))
        .delete(
            "/api/admin/clients/{client_id}",
            (req, res) -> {
              clients.delete(param(req, "client_id"));
              noContent(res);
            })
        .post(
            "/api/admin/api-keys",
            (req, res) -> {
              Bodies.ApiKeyBody body = Json.read(req, Bodies.ApiKeyBody.class);
              created(res, apiKeys.create(body.name(), body.role(), body.expiresAt()));
            })
        .get(
            "/api/admin/devices",
            (req, res) ->
                page(req, res, (limit, offset) -> Listing.of(devices.all(), limit, offset)))
        .delete(
            "/api/admin/devices/{id}",
            (req, res) -> {
              devices.revoke(null, param(req, "id"));
              noContent(res);
            })
        .get("/api/admin/api-keys", (req, res) -> page(req, res, apiKeys::list))
        .get("/api/admin/api-keys/{id}", (req, res) -> ok(res, apiKeys.get(param(req, "id"))))
        .delete(
            "/api/admin/api-keys/{id}",
            (req, res) -> {
              apiKeys.delete(param(req, "id"));
              noContent(res);
            });
  }

  /** {@code ?username=} narrows the list to that user (or none), as the contract asks. */
  private void listUsers(ServerRequest req, ServerResponse res) {
    var username = req.query().first("username");
    if (username.isPresent()) {
      Page.Window window = Page.window(req);
      List<?> found = users.findByUsername(username.get()).stream().toList();
      ok(res, new Page<>(found, found.size(), window.limit(), window.offset()));
      return;
    }
    page(req, res, users::list);
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

  private static String name(String name) {
    if (name == null) {
      throw new Failure.Invalid("name", "name is required");
    }
    return name;
  }

  private static String username(String username) {
    if (username == null) {
      throw new Failure.Invalid("username", "username is required");
    }
    return username;
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
