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

/** Groups and memberships over real HTTP. Every test works on groups of its own. */
class AdminApiManagesGroupsTest {
  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    for (String user : List.of("alice", "bob")) {
      assertThat(gh.post("/api/admin/users", "{\"username\":\"" + user + "\"}").status())
          .isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  private static void createGroup(String name) {
    TestGatehouse.Response created = gh.post("/api/admin/groups", "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  private static List<String> members(String group) {
    return gh.get("/api/admin/groups/" + group)
        .json()
        .get("members")
        .valueStream()
        .map(JsonNode::asText)
        .toList();
  }

  @Test
  void createdGroupIsEmptyAndCanBeReadBack() {
    TestGatehouse.Response created = gh.post("/api/admin/groups", "{\"name\":\"family\"}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("name").asText()).isEqualTo("family");
    assertThat(created.json().get("members")).isEmpty();
    assertThat(gh.get("/api/admin/groups/family").json()).isEqualTo(created.json());
  }

  @Test
  void membersJoinAndLeave() {
    createGroup("friends");

    TestGatehouse.Response joined =
        gh.post("/api/admin/groups/friends/members", "{\"username\":\"bob\"}");
    gh.post("/api/admin/groups/friends/members", "{\"username\":\"alice\"}");

    assertThat(joined.status()).as(joined.body()).isEqualTo(201);
    assertThat(joined.json().get("members")).extracting(JsonNode::asText).containsExactly("bob");
    assertThat(members("friends")).containsExactly("alice", "bob");
    String bob =
        gh.get("/api/admin/users?username=bob").json().get("items").get(0).get("id").asText();
    assertThat(gh.get("/api/admin/users/" + bob).json().get("groups"))
        .extracting(JsonNode::asText)
        .contains("friends");

    assertThat(gh.delete("/api/admin/groups/friends/members/bob").status()).isEqualTo(204);
    assertThat(members("friends")).containsExactly("alice");
  }

  @Test
  void deletedGroupIsGoneWithItsMemberships() {
    createGroup("temporary");
    gh.post("/api/admin/groups/temporary/members", "{\"username\":\"alice\"}");

    assertThat(gh.delete("/api/admin/groups/temporary").status()).isEqualTo(204);

    assertError(gh.get("/api/admin/groups/temporary"), 404, "not_found", null);
    String alice =
        gh.get("/api/admin/users?username=alice").json().get("items").get(0).get("id").asText();
    assertThat(gh.get("/api/admin/users/" + alice).json().get("groups"))
        .extracting(JsonNode::asText)
        .doesNotContain("temporary");
  }

  @Test
  void listPagesWithLimitOffsetAndTotalAndShowsMembers() {
    long before = total(gh, "/api/admin/groups");
    for (String name : List.of("page-a", "page-b", "page-c")) {
      createGroup(name);
    }
    gh.post("/api/admin/groups/page-b/members", "{\"username\":\"alice\"}");
    long total = before + 3;

    JsonNode page = gh.get("/api/admin/groups?limit=2&offset=1").json();
    assertThat(page.get("items")).hasSize(2);
    assertThat(page.get("total").asLong()).isEqualTo(total);
    assertThat(page.get("limit").asInt()).isEqualTo(2);
    assertThat(page.get("offset").asInt()).isEqualTo(1);
    assertThat(gh.get("/api/admin/groups?offset=" + total).json().get("items")).isEmpty();

    JsonNode all = gh.get("/api/admin/groups?limit=500").json().get("items");
    JsonNode pageB =
        all.valueStream()
            .filter(g -> g.get("name").asText().equals("page-b"))
            .findFirst()
            .orElseThrow();
    assertThat(pageB).isEqualTo(gh.get("/api/admin/groups/page-b").json());

    assertError(gh.get("/api/admin/groups?limit=0"), 400, "invalid_request", "limit");
    assertError(gh.get("/api/admin/groups?limit=many"), 400, "invalid_request", "limit");
  }

  @Test
  void invalidRequestsAreA400NamingTheFieldAndChangeNothing() {
    createGroup("checked");
    long before = total(gh, "/api/admin/groups");

    assertError(gh.post("/api/admin/groups", "{}"), 400, "invalid_request", "name");
    assertError(gh.post("/api/admin/groups", "{\"name\":\"\"}"), 400, "invalid_request", "name");
    assertError(
        gh.post("/api/admin/groups", "{\"name\":\"no spaces\"}"), 400, "invalid_request", "name");
    assertError(gh.post("/api/admin/groups", "{\"name\":true}"), 400, "invalid_request", "name");
    assertError(
        gh.post("/api/admin/groups", "{\"name\":\"x\",\"members\":[]}"),
        400,
        "invalid_request",
        "members");
    assertError(
        gh.post("/api/admin/groups/checked/members", "{}"), 400, "invalid_request", "username");

    assertThat(total(gh, "/api/admin/groups")).isEqualTo(before);
    assertThat(members("checked")).isEmpty();
  }

  @Test
  void existingGroupOrMembershipIsA409AndChangesNothing() {
    createGroup("twice");
    gh.post("/api/admin/groups/twice/members", "{\"username\":\"alice\"}");
    long before = total(gh, "/api/admin/groups");

    assertError(gh.post("/api/admin/groups", "{\"name\":\"twice\"}"), 409, "conflict", "name");
    assertError(
        gh.post("/api/admin/groups/twice/members", "{\"username\":\"alice\"}"),
        409,
        "conflict",
        "username");

    assertThat(total(gh, "/api/admin/groups")).isEqualTo(before);
    assertThat(members("twice")).containsExactly("alice");
  }

  @Test
  void unknownGroupUserOrMembershipIsA404() {
    createGroup("known");

    assertError(gh.get("/api/admin/groups/unknown"), 404, "not_found", null);
    assertError(gh.delete("/api/admin/groups/unknown"), 404, "not_found", null);
    assertError(
        gh.post("/api/admin/groups/unknown/members", "{\"username\":\"alice\"}"),
        404,
        "not_found",
        null);
    assertError(
        gh.post("/api/admin/groups/known/members", "{\"username\":\"nobody\"}"),
        404,
        "not_found",
        null);
    assertError(gh.delete("/api/admin/groups/known/members/alice"), 404, "not_found", null);
    assertError(gh.delete("/api/admin/groups/unknown/members/alice"), 404, "not_found", null);
    assertThat(members("known")).isEmpty();
  }

  @Test
  void everyGroupRouteNeedsAKeyAndWritesNeedAnAdminKey() {
    createGroup("guarded");
    gh.post("/api/admin/groups/guarded/members", "{\"username\":\"alice\"}");
    String readOnly = AdminCalls.readOnlyKey(gh, "groups read-only");
    long before = total(gh, "/api/admin/groups");

    assertNeedsKey(gh, "GET", "/api/admin/groups", null);
    assertNeedsKey(gh, "GET", "/api/admin/groups/guarded", null);
    assertNeedsKey(gh, "POST", "/api/admin/groups", "{\"name\":\"sneaky\"}");
    assertNeedsKey(gh, "DELETE", "/api/admin/groups/guarded", null);
    assertNeedsKey(gh, "POST", "/api/admin/groups/guarded/members", "{\"username\":\"bob\"}");
    assertNeedsKey(gh, "DELETE", "/api/admin/groups/guarded/members/alice", null);

    assertThat(gh.send("GET", "/api/admin/groups/guarded", null, readOnly).status()).isEqualTo(200);
    assertThat(gh.send("GET", "/api/admin/groups", null, readOnly).status()).isEqualTo(200);
    assertError(
        gh.send("POST", "/api/admin/groups", "{\"name\":\"sneaky\"}", readOnly),
        403,
        "forbidden",
        null);
    assertError(
        gh.send("DELETE", "/api/admin/groups/guarded", null, readOnly), 403, "forbidden", null);
    assertError(
        gh.send("POST", "/api/admin/groups/guarded/members", "{\"username\":\"bob\"}", readOnly),
        403,
        "forbidden",
        null);
    assertError(
        gh.send("DELETE", "/api/admin/groups/guarded/members/alice", null, readOnly),
        403,
        "forbidden",
        null);

    assertThat(total(gh, "/api/admin/groups")).isEqualTo(before);
    assertThat(members("guarded")).containsExactly("alice");
  }
}
