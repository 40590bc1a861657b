package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.assertNeedsKey;
import static dev.gatehouse.admin.AdminCalls.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protected apps over real HTTP. Every test works on apps and hosts of its own. */
class AdminApiManagesAppsTest {
  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  private static JsonNode create(String name, String host) {
    TestGatehouse.Response created =
        gh.post("/api/admin/apps", "{\"name\":\"" + name + "\",\"hosts\":[\"" + host + "\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  @Test
  void createdAppHasAnIdAndLowerCaseHostsAndCanBeReadBack() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/apps",
            "{\"name\":\"photos\",\"hosts\":[\"Photos.Example.test\",\"*.photos.example.test\","
                + "\"photos.example.test\"]}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode app = created.json();
    assertThat(app.get("id").asText()).isNotBlank();
    assertThat(app.get("name").asText()).isEqualTo("photos");
    assertThat(app.get("hosts"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("photos.example.test", "*.photos.example.test");
    assertThat(gh.get("/api/admin/apps/" + app.get("id").asText()).json()).isEqualTo(app);
  }

  @Test
  void rulesAreKeptInOrderAndReplacedWhole() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/apps",
            """
            {"name":"media","hosts":["media.example.test"],"rules":[
              {"path":"/health","policy":"public"},
              {"path":"/admin","policy":"groups","groups":["admins"]}]}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("rules"))
        .extracting(r -> r.get("path").asText())
        .containsExactly("/health", "/admin");

    String path = "/api/admin/apps/" + created.json().get("id").asText();
    JsonNode patched = gh.patch(path, "{\"rules\":[{\"policy\":\"deny\"}]}").json();
    assertThat(patched.get("rules")).hasSize(1);
    assertThat(patched.get("rules").get(0).get("policy").asText()).isEqualTo("deny");

    assertError(
        gh.patch(path, "{\"rules\":[{\"policy\":\"deny\"},{\"policy\":\"maybe\"}]}"),
        400,
        "invalid_request",
        "rules[1].policy");
    assertThat(gh.get(path).json()).isEqualTo(patched);
  }

  @Test
  void patchRenamesOrReplacesHosts() {
    String path = "/api/admin/apps/" + create("wiki", "wiki.example.test").get("id").asText();

    JsonNode renamed = gh.patch(path, "{\"name\":\"knowledge\"}").json();
    assertThat(renamed.get("name").asText()).isEqualTo("knowledge");
    assertThat(renamed.get("hosts"))
        .extracting(JsonNode::asText)
        .containsExactly("wiki.example.test");

    TestGatehouse.Response moved = gh.patch(path, "{\"hosts\":[\"kb.example.test\"]}");
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    assertThat(moved.json().get("name").asText()).isEqualTo("knowledge");
    assertThat(moved.json().get("hosts"))
        .extracting(JsonNode::asText)
        .containsExactly("kb.example.test");
    assertThat(gh.get(path).json()).isEqualTo(moved.json());

    create("wiki-again", "wiki.example.test");
  }

  @Test
  void deletedAppIsGoneAndFreesItsHosts() {
    String path = "/api/admin/apps/" + create("old", "old.example.test").get("id").asText();

    assertThat(gh.delete(path).status()).isEqualTo(204);

    assertError(gh.get(path), 404, "not_found", null);
    create("new", "old.example.test");
  }

  @Test
  void listPagesWithLimitOffsetAndTotal() {
    long before = total(gh, "/api/admin/apps");
    for (String name : List.of("page-a", "page-b", "page-c")) {
      create(name, name + ".example.test");
    }
    long total = before + 3;

    List<String> all =
        gh.get("/api/admin/apps?limit=500")
            .json()
            .get("items")
            .valueStream()
            .map(a -> a.get("name").asText())
            .toList();
    assertThat(all).isSorted().hasSize((int) total).contains("page-a", "page-b", "page-c");
    JsonNode page = gh.get("/api/admin/apps?limit=2&offset=1").json();
    assertThat(page.get("items"))
        .extracting(a -> a.get("name").asText())
        .containsExactlyElementsOf(all.subList(1, 3));
    assertThat(page.get("total").asLong()).isEqualTo(total);
    assertThat(page.get("limit").asInt()).isEqualTo(2);
    assertThat(gh.get("/api/admin/apps?offset=" + total).json().get("items")).isEmpty();

    assertError(gh.get("/api/admin/apps?limit=100000"), 400, "invalid_request", "limit");
  }

  @Test
  void invalidFieldsAreA400NamingTheFieldAndChangeNothing() {
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case("{\"hosts\":[\"a.example.test\"]}", "name"),
            new Case("{\"name\":\"bad name\",\"hosts\":[\"a.example.test\"]}", "name"),
            new Case("{\"name\":\"nohosts\"}", "hosts"),
            new Case("{\"name\":\"nohosts\",\"hosts\":[]}", "hosts"),
            new Case(
                "{\"name\":\"badhost\",\"hosts\":[\"ok.example.test\",\"no way\"]}", "hosts[1]"),
            new Case("{\"name\":\"badhost\",\"hosts\":[null]}", "hosts[0]"),
            new Case("{\"name\":\"badhost\",\"hosts\":\"a.example.test\"}", "hosts"),
            new Case("{\"name\":\"x\",\"hosts\":[\"a.example.test\"],\"port\":80}", "port"));
    long before = total(gh, "/api/admin/apps");

    for (Case c : cases) {
      assertError(gh.post("/api/admin/apps", c.body()), 400, "invalid_request", c.field());
    }

    assertThat(total(gh, "/api/admin/apps")).isEqualTo(before);
    String path = "/api/admin/apps/" + create("valid", "valid.example.test").get("id").asText();
    JsonNode unchanged = gh.get(path).json();
    assertError(gh.patch(path, "{\"hosts\":[]}"), 400, "invalid_request", "hosts");
    assertError(gh.patch(path, "{\"name\":\"\"}"), 400, "invalid_request", "name");
    assertThat(gh.get(path).json()).isEqualTo(unchanged);
  }

  @Test
  void takenNameOrHostIsA409AndChangesNothing() {
    JsonNode mail = create("mail", "mail.example.test");
    String chatPath = "/api/admin/apps/" + create("chat", "chat.example.test").get("id").asText();
    JsonNode chat = gh.get(chatPath).json();
    long before = total(gh, "/api/admin/apps");

    assertError(
        gh.post("/api/admin/apps", "{\"name\":\"mail\",\"hosts\":[\"other.example.test\"]}"),
        409,
        "conflict",
        "name");
    assertError(
        gh.post(
            "/api/admin/apps",
            "{\"name\":\"webmail\",\"hosts\":[\"webmail.example.test\",\"mail.example.test\"]}"),
        409,
        "conflict",
        "hosts[1]");
    assertError(gh.patch(chatPath, "{\"name\":\"mail\"}"), 409, "conflict", "name");
    assertError(
        gh.patch(chatPath, "{\"name\":\"chat2\",\"hosts\":[\"mail.example.test\"]}"),
        409,
        "conflict",
        "hosts[0]");

    assertThat(total(gh, "/api/admin/apps")).isEqualTo(before);
    assertThat(gh.get(chatPath).json()).isEqualTo(chat);
    assertThat(gh.get("/api/admin/apps/" + mail.get("id").asText()).json()).isEqualTo(mail);
    create("webmail", "webmail.example.test");
  }

  @Test
  void unknownAppIsA404() {
    String path = "/api/admin/apps/no-such-app";
    assertError(gh.get(path), 404, "not_found", null);
    assertError(gh.patch(path, "{\"name\":\"x\"}"), 404, "not_found", null);
    assertError(gh.delete(path), 404, "not_found", null);
  }

  @Test
  void everyAppRouteNeedsAKeyAndWritesNeedAnAdminKey() {
    String path = "/api/admin/apps/" + create("guarded", "guarded.example.test").get("id").asText();
    JsonNode app = gh.get(path).json();
    String readOnly = AdminCalls.readOnlyKey(gh, "apps read-only");
    String body = "{\"name\":\"sneaky\",\"hosts\":[\"sneaky.example.test\"]}";
    long before = total(gh, "/api/admin/apps");

    assertNeedsKey(gh, "GET", "/api/admin/apps", null);
    assertNeedsKey(gh, "GET", path, null);
    assertNeedsKey(gh, "POST", "/api/admin/apps", body);
    assertNeedsKey(gh, "PATCH", path, "{\"name\":\"sneaky\"}");
    assertNeedsKey(gh, "DELETE", path, null);

    assertThat(gh.send("GET", path, null, readOnly).status()).isEqualTo(200);
    assertThat(gh.send("GET", "/api/admin/apps", null, readOnly).status()).isEqualTo(200);
    assertError(gh.send("POST", "/api/admin/apps", body, readOnly), 403, "forbidden", null);
    assertError(gh.send("PATCH", path, "{\"name\":\"sneaky\"}", readOnly), 403, "forbidden", null);
    assertError(gh.send("DELETE", path, null, readOnly), 403, "forbidden", null);

    assertThat(total(gh, "/api/admin/apps")).isEqualTo(before);
    assertThat(gh.get(path).json()).isEqualTo(app);
  }
}
