package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartKeepsDataAndBootstrapsOnceTest {
  @TempDir Path dir;

  @Test
  void secondStartOnTheSameDataDirKeepsEverythingAndCreatesNoSecondAdmin() {
    String userId;
    String createdKey;
    try (TestGatehouse first = TestGatehouse.start(dir)) {
      first.post("/api/admin/groups", "{\"name\":\"family\"}");
      userId =
          first
              .post("/api/admin/users", "{\"username\":\"alice\",\"groups\":[\"family\"]}")
              .json()
              .get("id")
              .asText();
      first.post("/api/admin/apps", "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"]}");
      first.post(
          "/api/admin/clients", "{\"client_id\":\"c\",\"redirect_uris\":[\"https://c.test/\"]}");
      createdKey =
          first.post("/api/admin/api-keys", "{\"name\":\"ci\"}").json().get("secret").asText();
    }

    // Different bootstrap secrets on the second start must be ignored, not applied.
    try (TestGatehouse second =
        TestGatehouse.start(
            dir,
            Map.of(
                "GATEHOUSE_BOOTSTRAP_API_KEY", "gh_ak_a-different-bootstrap-key-9876543210",
                "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", "a-different-password"))) {
      // second.get(...) authenticates with the first start's bootstrap key: it must still work.
      assertThat(second.get("/api/admin/users/" + userId).json().get("groups"))
          .extracting(JsonNode::asText)
          .containsExactly("family");
      assertThat(second.get("/api/admin/apps").json().get("total").asLong()).isEqualTo(1);
      assertThat(second.get("/api/admin/clients/c").status()).isEqualTo(200);
      assertThat(second.send("GET", "/api/admin/users", null, createdKey).status()).isEqualTo(200);

      JsonNode admins = second.get("/api/admin/users?username=admin").json();
      assertThat(admins.get("total").asLong()).isEqualTo(1);
      assertThat(admins.get("items").get(0).get("groups"))
          .extracting(JsonNode::asText)
          .containsExactly("admins");
      assertThat(second.get("/api/admin/users").json().get("total").asLong()).isEqualTo(2);
      assertThat(second.get("/api/admin/api-keys").json().get("items"))
          .extracting(k -> k.get("name").asText())
          .containsExactly("bootstrap", "ci");
      assertThat(
              second
                  .send(
                      "GET", "/api/admin/users", null, "gh_ak_a-different-bootstrap-key-9876543210")
                  .status())
          .isEqualTo(401);
    }
  }
}
