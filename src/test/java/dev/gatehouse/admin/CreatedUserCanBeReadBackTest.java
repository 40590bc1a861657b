package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreatedUserCanBeReadBackTest {
  @TempDir Path dir;

  @Test
  void createThenGet() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      var created =
          gh.post(
              "/api/admin/users",
              "{\"username\":\"alice\",\"email\":\"alice@example.test\",\"password\":\"correct horse\"}");
      assertThat(created.status()).isEqualTo(201);
      String id = created.json().get("id").asText();
      var read = gh.get("/api/admin/users/" + id);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().get("username").asText()).isEqualTo("alice");
      assertThat(read.body()).doesNotContain("password");
    }
  }
}
