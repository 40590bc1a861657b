package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin change is in the log with the calling API key as actor, the object changed and a
 * summary of it; no password, client secret or API key secret reaches the log, in the table or on
 * stdout, though each went through the calls recorded.
 */
class AdminChangesAreAuditedWithTheKeyAndNoSecretTest {
  private static final String PASSWORD = "carol-very-secret-password";
  private static final String NEW_PASSWORD = "carol-even-more-secret-password";
  @TempDir Path dir;

  @Test
  void changesNameTheKeyAndTheObjectAndCarryNoSecret() {
    try (AuditLog.Stdout stdout = new AuditLog.Stdout();
        TestGatehouse gh = TestGatehouse.start(dir, Map.of("GATEHOUSE_AUDIT_LOG_STDOUT", "true"))) {
      String userId = gh.createUser("carol", PASSWORD);
      assertThat(
              gh.patch("/api/admin/users/" + userId, "{\"password\":\"" + NEW_PASSWORD + "\"}")
                  .status())
          .isEqualTo(200);
      TestGatehouse.Response client =
          gh.post(
              "/api/admin/clients",
              "{\"client_id\":\"wiki\",\"name\":\"Wiki\","
                  + "\"redirect_uris\":[\"https://wiki.example.test/cb\"]}");
      assertThat(client.status()).as(client.body()).isEqualTo(201);
      String clientSecret = client.json().get("client_secret").asText();
      String rotatedSecret =
          gh.post("/api/admin/clients/wiki/secret", "").json().get("client_secret").asText();
      TestGatehouse.Response key =
          gh.post("/api/admin/api-keys", "{\"name\":\"ci\",\"role\":\"read_only\"}");
      assertThat(key.status()).as(key.body()).isEqualTo(201);
      String keySecret = key.json().get("secret").asText();
      assertThat(gh.post("/api/admin/keys/rotate", "{\"grace_seconds\":0}").status())
          .isEqualTo(200);

      List<JsonNode> events = AuditLog.events(gh, "actor=bootstrap&limit=200");
      String keyId = events.get(0).get("actor_id").asText();
      assertThat(events)
          .allSatisfy(
              e -> {
                assertThat(e.get("actor_kind").asText()).isEqualTo("api_key");
                assertThat(e.get("actor_name").asText()).isEqualTo("bootstrap");
                assertThat(e.get("actor_id").asText()).isEqualTo(keyId);
              });
      assertThat(events)
          .extracting(e -> e.get("kind").asText() + " " + e.path("object_type").asText())
          .containsExactly(
              "signing_key_rotated signing_keys",
              "admin_change api_key",
              "client_secret_rotated client",
              "admin_change client",
              "password_changed user",
              "admin_change user",
              "admin_change user");
      JsonNode created = events.get(6);
      assertThat(created.get("object_id").asText()).isEqualTo(userId);
      assertThat(created.get("subject_username").asText()).isEqualTo("carol");
      assertThat(created.get("details").get("action").asText()).isEqualTo("create");
      assertThat(created.get("details").get("after").get("username").asText()).isEqualTo("carol");
      JsonNode updated = events.get(5).get("details");
      assertThat(updated.get("action").asText()).isEqualTo("update");
      assertThat(updated.has("before")).isTrue();
      JsonNode clientAfter = events.get(3).get("details").get("after");
      assertThat(clientAfter.get("client_id").asText()).isEqualTo("wiki");
      assertThat(clientAfter.has("client_secret")).isFalse();
      assertThat(clientAfter.get("token_endpoint_auth_method").asText())
          .isEqualTo("client_secret_basic");

      String everything = gh.get("/api/admin/audit?limit=200").body();
      List<String> lines = stdout.auditLines();
      assertThat(lines).hasSizeGreaterThanOrEqualTo(events.size());
      for (String secret :
          List.of(PASSWORD, NEW_PASSWORD, clientSecret, rotatedSecret, keySecret, "$argon2")) {
        assertThat(everything).doesNotContain(secret);
        assertThat(lines).noneMatch(line -> line.contains(secret));
      }
    }
  }
}
