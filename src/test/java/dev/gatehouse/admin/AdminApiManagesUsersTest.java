package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.assertNeedsKey;
import static dev.gatehouse.admin.AdminCalls.column;
import static dev.gatehouse.admin.AdminCalls.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users over real HTTP on a real SQLite file. Every test works on users of its own. */
class AdminApiManagesUsersTest {
  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    assertThat(gh.post("/api/admin/groups", "{\"name\":\"family\"}").status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  private static JsonNode create(String username) {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/users",
            "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  /** A user with an email ({@code username@example.test}) and a display name; its admin path. */
  private static String createNamed(String username, String displayName) {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/users",
            "{\"username\":\""
                + username
                + "\",\"email\":\""
                + username
                + "@example.test\",\"display_name\":\""
                + displayName
                + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return "/api/admin/users/" + created.json().get("id").asText();
  }

  @Test
  void createdUserCarriesItsFieldsAndGroupsAndCanBeReadBack() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/users",
            """
            {"username":"alice","email":"alice@example.test","display_name":"Alice",
             "password":"correct horse battery","groups":["family"]}""");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode user = created.json();
    assertThat(user.get("id").asText()).isNotBlank();
    assertThat(user.get("username").asText()).isEqualTo("alice");
    assertThat(user.get("email").asText()).isEqualTo("alice@example.test");
    assertThat(user.get("display_name").asText()).isEqualTo("Alice");
    assertThat(user.get("disabled").asBoolean()).isFalse();
    assertThat(user.get("groups")).extracting(JsonNode::asText).containsExactly("family");

    TestGatehouse.Response read = gh.get("/api/admin/users/" + user.get("id").asText());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(user);
  }

  @Test
  void aGroupNamedTwiceIsJoinedOnce() {
    TestGatehouse.Response created =
        gh.post("/api/admin/users", "{\"username\":\"twice\",\"groups\":[\"family\",\"family\"]}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("groups")).extracting(JsonNode::asText).containsExactly("family");
  }

  @Test
  void usersAreFoundByUsername() {
    String id = create("bob").get("id").asText();

    JsonNode found = gh.get("/api/admin/users?username=bob").json();
    assertThat(found.get("total").asLong()).isEqualTo(1);
    assertThat(found.get("items").get(0).get("id").asText()).isEqualTo(id);

    JsonNode none = gh.get("/api/admin/users?username=nobody").json();
    assertThat(none.get("total").asLong()).isZero();
    assertThat(none.get("items")).isEmpty();
  }

  @Test
  void patchChangesOnlyTheFieldsItNames() {
    String path = createNamed("carol", "C");

    TestGatehouse.Response disabled = gh.patch(path, "{\"disabled\":true}");
    assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
    assertThat(disabled.json().get("disabled").asBoolean()).isTrue();
    assertThat(disabled.json().get("email").asText()).isEqualTo("carol@example.test");

    JsonNode renamed = gh.patch(path, "{\"display_name\":\"Carol\"}").json();
    assertThat(renamed.get("display_name").asText()).isEqualTo("Carol");
    assertThat(renamed.get("disabled").asBoolean()).isTrue();
    assertThat(gh.get(path).json()).isEqualTo(renamed);
  }

  @Test
  void patchWithNullClearsEmailAndDisplayNameAndNothingElse() {
    String path = createNamed("dora", "D");

    TestGatehouse.Response cleared = gh.patch(path, "{\"email\":null}");
    assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
    assertThat(cleared.json().get("email").isNull()).isTrue();
    assertThat(cleared.json().get("display_name").asText()).isEqualTo("D");

    assertThat(gh.patch(path, "{\"display_name\":null}").json().get("display_name").isNull())
        .isTrue();
    assertError(gh.patch(path, "{\"password\":null}"), 400, "invalid_request", "password");
    assertError(gh.patch(path, "{\"disabled\":null}"), 400, "invalid_request", "disabled");
    assertError(gh.patch(path, "[]"), 400, "invalid_request", null);
    JsonNode read = gh.get(path).json();
    assertThat(read.get("email").isNull()).isTrue();
    assertThat(read.get("display_name").isNull()).isTrue();
    assertThat(read.get("disabled").asBoolean()).isFalse();
  }

  @Test
  void patchedPasswordIsStoredAsANewHashAndNeverShown() {
    String id = create("dave").get("id").asText();
    String before = column(gh, "SELECT password_hash FROM users WHERE id = ?", id).orElseThrow();

    TestGatehouse.Response patched =
        gh.patch("/api/admin/users/" + id, "{\"password\":\"a brand new password\"}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    String after = column(gh, "SELECT password_hash FROM users WHERE id = ?", id).orElseThrow();
    assertThat(after).startsWith("$argon2id$").isNotEqualTo(before);
    assertThat(patched.body()).doesNotContain("password").doesNotContain("argon2");
  }

  @Test
  void passwordsNeverAppearInAnyResponse() {
    String secret = "do-not-echo-this-password";
    List<TestGatehouse.Response> responses = new ArrayList<>();
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/users",
            "{\"username\":\"erin\",\"password\":\"" + secret + "\",\"groups\":[\"family\"]}");
    String path = "/api/admin/users/" + created.json().get("id").asText();
    responses.add(created);
    responses.add(gh.get(path));
    responses.add(gh.get("/api/admin/users?limit=500"));
    responses.add(gh.get("/api/admin/users?username=erin"));
    responses.add(gh.get("/api/admin/groups/family"));
    responses.add(gh.patch(path, "{\"password\":\"" + secret + "-2\"}"));
    responses.add(gh.patch(path, "{\"password\":\"short\"}"));

    for (TestGatehouse.Response response : responses) {
      assertThat(response.body())
          .doesNotContain(secret)
          .doesNotContain("password_hash")
          .doesNotContain("$argon2");
    }
  }

  @Test
  void deletedUserIsGoneAndLeavesItsGroups() {
    String id =
        gh.post(
                "/api/admin/users",
                "{\"username\":\"frank\",\"groups\":[\"family\"],\"password\":\"long enough\"}")
            .json()
            .get("id")
            .asText();

    TestGatehouse.Response deleted = gh.delete("/api/admin/users/" + id);

    assertThat(deleted.status()).isEqualTo(204);
    assertError(gh.get("/api/admin/users/" + id), 404, "not_found", null);
    assertThat(gh.get("/api/admin/groups/family").json().get("members"))
        .extracting(JsonNode::asText)
        .doesNotContain("frank");
  }

  @Test
  void listPagesWithLimitOffsetAndTotal() {
    long before = total(gh, "/api/admin/users");
    for (String name : List.of("page-a", "page-b", "page-c")) {
      create(name);
    }
    long total = before + 3;

    JsonNode first = gh.get("/api/admin/users?limit=2").json();
    assertThat(first.get("items")).hasSize(2);
    assertThat(first.get("total").asLong()).isEqualTo(total);
    assertThat(first.get("limit").asInt()).isEqualTo(2);
    assertThat(first.get("offset").asInt()).isZero();

    JsonNode last = gh.get("/api/admin/users?limit=2&offset=" + (total - 1)).json();
    assertThat(last.get("items")).hasSize(1);
    assertThat(last.get("offset").asLong()).isEqualTo(total - 1);

    JsonNode past = gh.get("/api/admin/users?offset=" + total).json();
    assertThat(past.get("items")).isEmpty();
    assertThat(past.get("total").asLong()).isEqualTo(total);
    assertThat(past.get("limit").asInt()).isEqualTo(50);

    List<String> all = new ArrayList<>();
    gh.get("/api/admin/users?limit=500")
        .json()
        .get("items")
        .forEach(u -> all.add(u.get("username").asText()));
    assertThat(all).isSorted().hasSize((int) total);
  }

  @Test
  void badPaginationIsA400OnTheParameter() {
    for (String query : List.of("limit=0", "limit=501", "limit=ten", "limit=-1", "limit=")) {
      assertError(gh.get("/api/admin/users?" + query), 400, "invalid_request", "limit");
    }
    assertError(gh.get("/api/admin/users?offset=-1"), 400, "invalid_request", "offset");
    assertError(gh.get("/api/admin/users?offset=x"), 400, "invalid_request", "offset");
  }

  @Test
  void invalidFieldsAreA400NamingTheField() {
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case("{}", "username"),
            new Case("{\"username\":\"\"}", "username"),
            new Case("{\"username\":\"-dash-first\"}", "username"),
            new Case("{\"username\":\"ok\",\"email\":\"not-an-email\"}", "email"),
            new Case("{\"username\":\"ok\",\"display_name\":\" \"}", "display_name"),
            new Case(
                "{\"username\":\"ok\",\"display_name\":\"Eve\\r\\nRemote-User: admin\"}",
                "display_name"),
            new Case("{\"username\":\"ok\",\"email\":\"eve\\u0000@example.test\"}", "email"),
            new Case("{\"username\":\"ok\",\"password\":\"short\"}", "password"),
            new Case("{\"username\":\"ok\",\"groups\":[\"no-such-group\"]}", "groups"),
            new Case("{\"username\":\"ok\",\"groups\":[null]}", "groups[0]"),
            new Case("{\"username\":\"ok\",\"groups\":[\"family\",5]}", "groups[1]"),
            new Case("{\"username\":5}", "username"),
            new Case("{\"username\":\"ok\",\"nickname\":\"x\"}", "nickname"));
    long before = total(gh, "/api/admin/users");

    for (Case c : cases) {
      assertError(gh.post("/api/admin/users", c.body()), 400, "invalid_request", c.field());
    }
    assertError(gh.post("/api/admin/users", "{not json"), 400, "invalid_request", null);
    assertError(gh.post("/api/admin/users", "[]"), 400, "invalid_request", null);
    assertThat(total(gh, "/api/admin/users")).isEqualTo(before);

    String path = "/api/admin/users/" + create("grace").get("id").asText();
    JsonNode unchanged = gh.get(path).json();
    assertError(gh.patch(path, "{\"disabled\":\"yes\"}"), 400, "invalid_request", "disabled");
    assertError(gh.patch(path, "{\"email\":\"nope\"}"), 400, "invalid_request", "email");
    assertError(gh.patch(path, "{\"username\":\"x\"}"), 400, "invalid_request", "username");
    assertThat(gh.get(path).json()).isEqualTo(unchanged);
  }

  @Test
  void takenUsernameOrEmailIsA409AndChangesNothing() {
    gh.post(
        "/api/admin/users",
        "{\"username\":\"heidi\",\"email\":\"heidi@example.test\",\"groups\":[\"family\"]}");
    JsonNode ivan =
        gh.post("/api/admin/users", "{\"username\":\"ivan\",\"email\":\"ivan@example.test\"}")
            .json();
    long users = total(gh, "/api/admin/users");
    JsonNode family = gh.get("/api/admin/groups/family").json();

    assertError(
        gh.post("/api/admin/users", "{\"username\":\"heidi\",\"groups\":[\"family\"]}"),
        409,
        "conflict",
        "username");
    assertError(
        gh.post(
            "/api/admin/users",
            "{\"username\":\"heidi2\",\"email\":\"heidi@example.test\",\"groups\":[\"family\"]}"),
        409,
        "conflict",
        "email");
    String ivanPath = "/api/admin/users/" + ivan.get("id").asText();
    assertError(
        gh.patch(ivanPath, "{\"email\":\"heidi@example.test\",\"disabled\":true}"),
        409,
        "conflict",
        "email");

    assertThat(total(gh, "/api/admin/users")).isEqualTo(users);
    assertThat(gh.get("/api/admin/groups/family").json()).isEqualTo(family);
    assertThat(gh.get(ivanPath).json()).isEqualTo(ivan);
  }

  @Test
  void unknownUserIsA404() {
    String path = "/api/admin/users/00000000-0000-0000-0000-000000000000";
    assertError(gh.get(path), 404, "not_found", null);
    assertError(gh.patch(path, "{\"disabled\":true}"), 404, "not_found", null);
    assertError(gh.delete(path), 404, "not_found", null);
  }

  @Test
  void everyUserRouteNeedsAKeyAndWritesNeedAnAdminKey() {
    String id = create("judy").get("id").asText();
    String path = "/api/admin/users/" + id;
    String readOnly = AdminCalls.readOnlyKey(gh, "users read-only");
    long before = total(gh, "/api/admin/users");

    assertNeedsKey(gh, "GET", "/api/admin/users", null);
    assertNeedsKey(gh, "GET", path, null);
    assertNeedsKey(gh, "POST", "/api/admin/users", "{\"username\":\"mallory\"}");
    assertNeedsKey(gh, "PATCH", path, "{\"disabled\":true}");
    assertNeedsKey(gh, "DELETE", path, null);

    assertThat(gh.send("GET", path, null, readOnly).status()).isEqualTo(200);
    assertThat(gh.send("GET", "/api/admin/users", null, readOnly).status()).isEqualTo(200);
    assertError(
        gh.send("POST", "/api/admin/users", "{\"username\":\"mallory\"}", readOnly),
        403,
        "forbidden",
        null);
    assertError(gh.send("PATCH", path, "{\"disabled\":true}", readOnly), 403, "forbidden", null);
    assertError(gh.send("DELETE", path, null, readOnly), 403, "forbidden", null);

    assertThat(total(gh, "/api/admin/users")).isEqualTo(before);
    assertThat(gh.get(path).json().get("disabled").asBoolean()).isFalse();
  }
}
