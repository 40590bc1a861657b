package dev.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyWithoutExpiryStillWorksAfterRestartTest {
  @TempDir Path dir;

  @Test
  void bootstrapKeyLoadedFromTheDatabaseNeverExpires() {
    try (TestGatehouse first = TestGatehouse.start(dir)) {
      assertThat(first.get("/api/admin/api-keys").status()).isEqualTo(200);
    }
    try (TestGatehouse restarted = TestGatehouse.start(dir)) {
      var keys = restarted.get("/api/admin/api-keys");

      assertThat(keys.status()).isEqualTo(200);
      assertThat(keys.body()).contains("\"name\":\"bootstrap\"").doesNotContain("1970");
    }
  }
}
