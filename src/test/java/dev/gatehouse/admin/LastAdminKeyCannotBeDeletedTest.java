package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.column;
import static dev.gatehouse.admin.AdminCalls.readOnlyKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API is reached only with an admin key: deleting the last one would lock everyone out.
 */
class LastAdminKeyCannotBeDeletedTest {
  @TempDir Path dir;

  @Test
  void theOnlyAdminKeyStaysUntilAnotherExists() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      readOnlyKey(gh, "viewer");
      String bootstrap =
          column(gh, "SELECT id FROM api_keys WHERE name = ?", "bootstrap").orElseThrow();

      assertError(gh.delete("/api/admin/api-keys/" + bootstrap), 409, "conflict", "id");
      assertThat(gh.get("/api/admin/users").status()).isEqualTo(200);

      TestGatehouse.Response second =
          gh.post("/api/admin/api-keys", "{\"name\":\"second admin\",\"role\":\"admin\"}");
      assertThat(second.status()).as(second.body()).isEqualTo(201);
      String secret = second.json().get("secret").asText();

      assertThat(gh.delete("/api/admin/api-keys/" + bootstrap).status()).isEqualTo(204);
      assertThat(gh.send("GET", "/api/admin/users", null, secret).status()).isEqualTo(200);
    }
  }
}
