package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.assertNeedsKey;
import static dev.gatehouse.admin.AdminCalls.column;
import static dev.gatehouse.admin.AdminCalls.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin API keys over real HTTP. Every test works on keys of its own. */
class AdminApiManagesApiKeysTest {
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

  private static JsonNode create(String name) {
    TestGatehouse.Response created = gh.post("/api/admin/api-keys", "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  @Test
  void createdKeyShowsItsSecretOnceAndTheSecretWorks() {
    Instant expires = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/api-keys",
            "{\"name\":\"ci deploy\",\"role\":\"admin\",\"expires_at\":\"" + expires + "\"}");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode key = created.json();
    String secret = key.get("secret").asText();
    assertThat(secret).startsWith("gh_ak_");
    assertThat(key.get("name").asText()).isEqualTo("ci deploy");
    assertThat(key.get("role").asText()).isEqualTo("admin");
    assertThat(Instant.parse(key.get("expires_at").asText())).isEqualTo(expires);

    TestGatehouse.Response read = gh.get("/api/admin/api-keys/" + key.get("id").asText());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).doesNotContain(secret).doesNotContain("secret");
    assertThat(Instant.parse(read.json().get("expires_at").asText())).isEqualTo(expires);
    assertThat(
            gh.send("POST", "/api/admin/groups", "{\"name\":\"made-by-new-key\"}", secret).status())
        .isEqualTo(201);
  }

  @Test
  void keyWithoutExpiryReadsBackWithoutExpiry() {
    String id = create("forever").get("id").asText();

    JsonNode read = gh.get("/api/admin/api-keys/" + id).json();

    assertThat(read.get("expires_at").isNull()).as(read.toString()).isTrue();
    assertThat(read.get("role").asText()).isEqualTo("admin");
  }

  @Test
  void secretIsStoredOnlyAsItsSha256Digest() {
    JsonNode key = create("digested");
    String secret = key.get("secret").asText();

    String stored =
        column(gh, "SELECT secret_digest FROM api_keys WHERE id = ?", key.get("id").asText())
            .orElseThrow();

    assertThat(stored).isNotEqualTo(secret).doesNotContain(secret);
    assertThat(stored).isEqualTo(Secrets.digest(secret));
  }

  @Test
  void readOnlyKeyReadsButCannotWrite() {
    String readOnly = AdminCalls.readOnlyKey(gh, "viewer");
    long before = total(gh, "/api/admin/api-keys");

    assertThat(gh.send("GET", "/api/admin/api-keys", null, readOnly).status()).isEqualTo(200);
    assertError(
        gh.send("POST", "/api/admin/api-keys", "{\"name\":\"escalated\"}", readOnly),
        403,
        "forbidden",
        null);

    assertThat(total(gh, "/api/admin/api-keys")).isEqualTo(before);
  }

  @Test
  void deletedKeyStopsWorkingAtOnce() {
    JsonNode key = create("short-lived");
    String secret = key.get("secret").asText();
    assertThat(gh.send("GET", "/api/admin/users", null, secret).status()).isEqualTo(200);

    assertThat(gh.delete("/api/admin/api-keys/" + key.get("id").asText()).status()).isEqualTo(204);

    assertError(gh.send("GET", "/api/admin/users", null, secret), 401, "unauthorized", null);
    assertError(gh.get("/api/admin/api-keys/" + key.get("id").asText()), 404, "not_found", null);
  }

  @Test
  void listNeverShowsSecretsAndPagesWithLimitOffsetAndTotal() {
    long before = total(gh, "/api/admin/api-keys");
    List<String> secrets =
        List.of("page-a", "page-b", "page-c").stream()
            .map(name -> create(name).get("secret").asText())
            .toList();
    long total = before + 3;

    TestGatehouse.Response all = gh.get("/api/admin/api-keys?limit=500");
    for (String secret : secrets) {
      assertThat(all.body()).doesNotContain(secret);
    }
    assertThat(all.body()).doesNotContain("secret").doesNotContain(TestGatehouse.API_KEY);
    List<String> names =
        all.json().get("items").valueStream().map(k -> k.get("name").asText()).toList();
    assertThat(names).isSorted().hasSize((int) total).contains("bootstrap", "page-b");

    JsonNode page = gh.get("/api/admin/api-keys?limit=2&offset=1").json();
    assertThat(page.get("items"))
        .extracting(k -> k.get("name").asText())
        .containsExactlyElementsOf(names.subList(1, 3));
    assertThat(page.get("total").asLong()).isEqualTo(total);
    assertThat(gh.get("/api/admin/api-keys?offset=" + total).json().get("items")).isEmpty();
    assertError(gh.get("/api/admin/api-keys?limit=0"), 400, "invalid_request", "limit");
  }

  @Test
  void invalidFieldsAreA400NamingTheFieldAndChangeNothing() {
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case("{}", "name"),
            new Case("{\"name\":\"\"}", "name"),
            new Case("{\"name\":\"bad/name\"}", "name"),
            new Case("{\"name\":\"k\",\"role\":\"root\"}", "role"),
            new Case("{\"name\":\"k\",\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at"),
            new Case("{\"name\":\"k\",\"expires_at\":\"tomorrow\"}", "expires_at"),
            new Case("{\"name\":\"k\",\"secret\":\"chosen\"}", "secret"));
    long before = total(gh, "/api/admin/api-keys");

    for (Case c : cases) {
      assertError(gh.post("/api/admin/api-keys", c.body()), 400, "invalid_request", c.field());
    }

    assertThat(total(gh, "/api/admin/api-keys")).isEqualTo(before);
  }

  @Test
  void takenNameIsA409AndChangesNothing() {
    create("unique");
    long before = total(gh, "/api/admin/api-keys");

    assertError(gh.post("/api/admin/api-keys", "{\"name\":\"unique\"}"), 409, "conflict", "name");
    assertError(
        gh.post("/api/admin/api-keys", "{\"name\":\"bootstrap\",\"role\":\"read_only\"}"),
        409,
        "conflict",
        "name");

    assertThat(total(gh, "/api/admin/api-keys")).isEqualTo(before);
  }

  @Test
  void unknownKeyIsA404() {
    assertError(gh.get("/api/admin/api-keys/nope"), 404, "not_found", null);
    assertError(gh.delete("/api/admin/api-keys/nope"), 404, "not_found", null);
  }

  @Test
  void everyKeyRouteNeedsAKeyAndWritesNeedAnAdminKey() {
    String id = create("guarded").get("id").asText();
    String readOnly = AdminCalls.readOnlyKey(gh, "keys read-only");
    String path = "/api/admin/api-keys/" + id;
    long before = total(gh, "/api/admin/api-keys");

    assertNeedsKey(gh, "GET", "/api/admin/api-keys", null);
    assertNeedsKey(gh, "GET", path, null);
    assertNeedsKey(gh, "POST", "/api/admin/api-keys", "{\"name\":\"sneaky\"}");
    assertNeedsKey(gh, "DELETE", path, null);

    assertThat(gh.send("GET", path, null, readOnly).status()).isEqualTo(200);
    assertError(gh.send("DELETE", path, null, readOnly), 403, "forbidden", null);

    assertThat(total(gh, "/api/admin/api-keys")).isEqualTo(before);
    assertThat(gh.get(path).status()).isEqualTo(200);
  }
}
