package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.assertNeedsKey;
import static dev.gatehouse.admin.AdminCalls.column;
import static dev.gatehouse.admin.AdminCalls.storedDigest;
import static dev.gatehouse.admin.AdminCalls.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OAuth clients over real HTTP. Every test works on clients of its own. */
class AdminApiManagesClientsTest {
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

  private static JsonNode create(String clientId) {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/clients",
            "{\"client_id\":\"" + clientId + "\",\"redirect_uris\":[\"https://app.test/cb\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  @Test
  void createdClientCarriesEveryFieldAndItsSecretOnce() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/clients",
            """
            {"client_id":"grafana","name":"Grafana",
             "redirect_uris":["https://grafana.test/login/generic_oauth"],
             "post_logout_redirect_uris":["https://grafana.test/"],
             "grant_types":["authorization_code","refresh_token"],
             "scopes":["openid","email","groups"],
             "public":false,"first_party":true,"require_pkce":false,"signing_alg":"ES256"}""");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode client = created.json();
    assertThat(client.get("client_id").asText()).isEqualTo("grafana");
    assertThat(client.get("name").asText()).isEqualTo("Grafana");
    assertThat(client.get("redirect_uris"))
        .extracting(JsonNode::asText)
        .containsExactly("https://grafana.test/login/generic_oauth");
    assertThat(client.get("post_logout_redirect_uris"))
        .extracting(JsonNode::asText)
        .containsExactly("https://grafana.test/");
    assertThat(client.get("grant_types"))
        .extracting(JsonNode::asText)
        .containsExactly("authorization_code", "refresh_token");
    assertThat(client.get("scopes"))
        .extracting(JsonNode::asText)
        .containsExactly("openid", "email", "groups");
    assertThat(client.get("public").asBoolean()).isFalse();
    assertThat(client.get("first_party").asBoolean()).isTrue();
    assertThat(client.get("require_pkce").asBoolean()).isFalse();
    assertThat(client.get("signing_alg").asText()).isEqualTo("ES256");
    String secret = client.get("client_secret").asText();
    assertThat(secret).startsWith("gh_cs_").hasSizeGreaterThan(40);

    TestGatehouse.Response read = gh.get("/api/admin/clients/grafana");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).doesNotContain("client_secret\"", "gh_cs_");
    JsonNode withoutSecret = client.deepCopy();
    ((ObjectNode) withoutSecret).remove("client_secret");
    assertThat(read.json()).isEqualTo(withoutSecret);
  }

  @Test
  void absentFieldsGetDefaultsAndAGeneratedClientId() {
    TestGatehouse.Response created =
        gh.post("/api/admin/clients", "{\"redirect_uris\":[\"https://app.test/cb\"]}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode client = created.json();
    String clientId = client.get("client_id").asText();
    assertThat(clientId).hasSize(22);
    assertThat(client.get("name").asText()).isEqualTo(clientId);
    assertThat(client.get("grant_types"))
        .extracting(JsonNode::asText)
        .containsExactly("authorization_code", "refresh_token");
    assertThat(client.get("scopes"))
        .extracting(JsonNode::asText)
        .containsExactly("openid", "profile", "email");
    assertThat(client.get("require_pkce").asBoolean()).isTrue();
    assertThat(client.get("signing_alg").asText()).isEqualTo("RS256");
    assertThat(client.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_basic");
    assertThat(client.has("jwks")).isFalse();
    assertThat(gh.get("/api/admin/clients/" + clientId).status()).isEqualTo(200);
  }

  @Test
  void secretIsStoredOnlyAsItsSha256Digest() {
    String secret = create("digested").get("client_secret").asText();

    String stored = storedDigest(gh, "digested");

    assertThat(stored).isNotEqualTo(secret).doesNotContain(secret).hasSize(64);
    assertThat(stored).isEqualTo(Secrets.digest(secret));
  }

  @Test
  void rotationShowsANewSecretOnceAndReplacesTheDigest() {
    String old = create("rotated").get("client_secret").asText();

    TestGatehouse.Response rotated = gh.post("/api/admin/clients/rotated/secret", "");

    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    String fresh = rotated.json().get("client_secret").asText();
    assertThat(fresh).startsWith("gh_cs_").isNotEqualTo(old);
    assertThat(rotated.json().get("client_id").asText()).isEqualTo("rotated");
    assertThat(storedDigest(gh, "rotated")).isEqualTo(Secrets.digest(fresh));
    assertThat(gh.get("/api/admin/clients/rotated").body())
        .doesNotContain("client_secret\"", "gh_cs_");
  }

  @Test
  void publicClientHasNoSecretAndAlwaysUsesPkce() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/clients",
            "{\"client_id\":\"spa\",\"public\":true,\"redirect_uris\":[\"https://spa.test/\"]}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().has("client_secret")).isFalse();
    assertThat(created.json().get("public").asBoolean()).isTrue();
    assertThat(created.json().get("require_pkce").asBoolean()).isTrue();
    assertThat(created.json().get("token_endpoint_auth_method").asText()).isEqualTo("none");
    assertError(gh.post("/api/admin/clients/spa/secret", ""), 400, "invalid_request", "client_id");
    assertError(
        gh.patch("/api/admin/clients/spa", "{\"require_pkce\":false}"),
        400,
        "invalid_request",
        "require_pkce");
  }

  @Test
  void listNeverShowsSecretsAndPagesWithLimitOffsetAndTotal() {
    long before = total(gh, "/api/admin/clients");
    for (String id : List.of("page-a", "page-b", "page-c")) {
      create(id);
    }
    long total = before + 3;

    TestGatehouse.Response all = gh.get("/api/admin/clients?limit=500");
    assertThat(all.body()).doesNotContain("client_secret\"", "gh_cs_");
    List<String> ids =
        all.json().get("items").valueStream().map(c -> c.get("client_id").asText()).toList();
    assertThat(ids).hasSize((int) total).contains("page-a", "page-b", "page-c");

    JsonNode page = gh.get("/api/admin/clients?limit=2&offset=1").json();
    assertThat(page.get("items"))
        .extracting(c -> c.get("client_id").asText())
        .containsExactlyElementsOf(ids.subList(1, 3));
    assertThat(page.get("total").asLong()).isEqualTo(total);
    assertThat(page.get("limit").asInt()).isEqualTo(2);
    assertThat(page.get("offset").asInt()).isEqualTo(1);
    assertThat(gh.get("/api/admin/clients?offset=" + total).json().get("items")).isEmpty();
    assertError(gh.get("/api/admin/clients?limit=1.5"), 400, "invalid_request", "limit");
  }

  @Test
  void patchChangesOnlyTheFieldsItNames() {
    JsonNode client = create("patched");

    TestGatehouse.Response patched =
        gh.patch(
            "/api/admin/clients/patched",
            "{\"name\":\"Patched\",\"scopes\":[\"openid\"],\"first_party\":true}");

    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("name").asText()).isEqualTo("Patched");
    assertThat(patched.json().get("scopes")).extracting(JsonNode::asText).containsExactly("openid");
    assertThat(patched.json().get("first_party").asBoolean()).isTrue();
    assertThat(patched.json().get("redirect_uris")).isEqualTo(client.get("redirect_uris"));
    assertThat(patched.body()).doesNotContain("client_secret\"", "gh_cs_");
    assertThat(gh.get("/api/admin/clients/patched").json()).isEqualTo(patched.json());
    assertThat(storedDigest(gh, "patched"))
        .isEqualTo(Secrets.digest(client.get("client_secret").asText()));
  }

  @Test
  void deletedClientIsGone() {
    create("deleted");

    assertThat(gh.delete("/api/admin/clients/deleted").status()).isEqualTo(204);

    assertError(gh.get("/api/admin/clients/deleted"), 404, "not_found", null);
    assertThat(column(gh, "SELECT client_id FROM clients WHERE client_id = ?", "deleted"))
        .isEmpty();
  }

  @Test
  void invalidFieldsAreA400NamingTheFieldAndChangeNothing() {
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case(
                "{\"client_id\":\"bad id\",\"redirect_uris\":[\"https://a.test/\"]}", "client_id"),
            new Case("{\"grant_types\":[\"authorization_code\"]}", "redirect_uris"),
            new Case("{\"redirect_uris\":[\"/relative\"]}", "redirect_uris[0]"),
            new Case("{\"redirect_uris\":[\"https://a.test/#frag\"]}", "redirect_uris[0]"),
            new Case(
                "{\"redirect_uris\":[\"https://a.test/\"],\"post_logout_redirect_uris\":[\"x\"]}",
                "post_logout_redirect_uris[0]"),
            new Case("{\"grant_types\":[\"client_credentials\",\"password\"]}", "grant_types[1]"),
            new Case("{\"public\":true,\"grant_types\":[\"client_credentials\"]}", "grant_types"),
            new Case(
                "{\"public\":true,\"require_pkce\":false,\"redirect_uris\":[\"https://a.test/\"]}",
                "require_pkce"),
            new Case(
                "{\"redirect_uris\":[\"https://a.test/\"],\"scopes\":[\"open id\"]}", "scopes[0]"),
            new Case(
                "{\"redirect_uris\":[\"https://a.test/\"],\"signing_alg\":\"HS256\"}",
                "signing_alg"),
            new Case("{\"redirect_uris\":[\"https://a.test/\"],\"public\":\"no\"}", "public"),
            new Case(
                "{\"redirect_uris\":[\"https://a.test/\"],\"client_secret\":\"mine\"}",
                "client_secret"));
    long before = total(gh, "/api/admin/clients");

    for (Case c : cases) {
      assertError(gh.post("/api/admin/clients", c.body()), 400, "invalid_request", c.field());
    }

    assertThat(total(gh, "/api/admin/clients")).isEqualTo(before);
    create("unchanged");
    JsonNode unchanged = gh.get("/api/admin/clients/unchanged").json();
    String path = "/api/admin/clients/unchanged";
    assertError(gh.patch(path, "{\"redirect_uris\":[]}"), 400, "invalid_request", "redirect_uris");
    assertError(gh.patch(path, "{\"public\":true}"), 400, "invalid_request", "public");
    assertError(gh.patch(path, "{\"client_id\":\"other\"}"), 400, "invalid_request", "client_id");
    assertError(
        gh.patch(path, "{\"name\":\"x\",\"signing_alg\":\"none\"}"),
        400,
        "invalid_request",
        "signing_alg");
    assertThat(gh.get(path).json()).isEqualTo(unchanged);
  }

  @Test
  void takenClientIdIsA409AndChangesNothing() {
    String secret = create("taken").get("client_secret").asText();
    long before = total(gh, "/api/admin/clients");

    assertError(
        gh.post(
            "/api/admin/clients",
            "{\"client_id\":\"taken\",\"name\":\"Other\",\"redirect_uris\":[\"https://o.test/\"]}"),
        409,
        "conflict",
        "client_id");

    assertThat(total(gh, "/api/admin/clients")).isEqualTo(before);
    assertThat(gh.get("/api/admin/clients/taken").json().get("name").asText()).isEqualTo("taken");
    assertThat(storedDigest(gh, "taken")).isEqualTo(Secrets.digest(secret));
  }

  @Test
  void unknownClientIsA404() {
    String path = "/api/admin/clients/nope";
    assertError(gh.get(path), 404, "not_found", null);
    assertError(gh.patch(path, "{\"name\":\"x\"}"), 404, "not_found", null);
    assertError(gh.post(path + "/secret", ""), 404, "not_found", null);
    assertError(gh.delete(path), 404, "not_found", null);
  }

  @Test
  void everyClientRouteNeedsAKeyAndWritesNeedAnAdminKey() {
    String secret = create("guarded").get("client_secret").asText();
    JsonNode client = gh.get("/api/admin/clients/guarded").json();
    String readOnly = AdminCalls.readOnlyKey(gh, "clients read-only");
    String path = "/api/admin/clients/guarded";
    String body = "{\"client_id\":\"sneaky\",\"redirect_uris\":[\"https://s.test/\"]}";
    long before = total(gh, "/api/admin/clients");

    assertNeedsKey(gh, "GET", "/api/admin/clients", null);
    assertNeedsKey(gh, "GET", path, null);
    assertNeedsKey(gh, "POST", "/api/admin/clients", body);
    assertNeedsKey(gh, "PATCH", path, "{\"name\":\"sneaky\"}");
    assertNeedsKey(gh, "POST", path + "/secret", "");
    assertNeedsKey(gh, "DELETE", path, null);

    assertThat(gh.send("GET", path, null, readOnly).status()).isEqualTo(200);
    assertThat(gh.send("GET", "/api/admin/clients", null, readOnly).status()).isEqualTo(200);
    assertError(gh.send("POST", "/api/admin/clients", body, readOnly), 403, "forbidden", null);
    assertError(gh.send("PATCH", path, "{\"name\":\"sneaky\"}", readOnly), 403, "forbidden", null);
    assertError(gh.send("POST", path + "/secret", "", readOnly), 403, "forbidden", null);
    assertError(gh.send("DELETE", path, null, readOnly), 403, "forbidden", null);

    assertThat(total(gh, "/api/admin/clients")).isEqualTo(before);
    assertThat(gh.get(path).json()).isEqualTo(client);
    assertThat(storedDigest(gh, "guarded")).isEqualTo(Secrets.digest(secret));
  }
}
