package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [provisioning] file} is applied at every start before the server listens; a file with an
 * error stops the start, naming the key, the file's line and field, and changes nothing.
 */
class ProvisioningFileIsAppliedAtStartTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void theFileIsAppliedBeforeTheServerAnswers() throws Exception {
    Map<String, String> env = new HashMap<>(Provisioning.env());
    env.put("GATEHOUSE_PROVISIONING_FILE", Provisioning.full(files).toString());
    try (TestGatehouse gh = TestGatehouse.start(dir, env)) {
      assertThat(gh.get("/api/admin/users").json().findValuesAsText("username"))
          .contains("alice", "bob");
      assertThat(Provisioning.tokenStatus(gh, "grafana", Provisioning.GRAFANA_SECRET))
          .isEqualTo(200);
    }
    try (TestGatehouse gh = TestGatehouse.start(dir, env)) {
      assertThat(gh.get("/api/admin/users?username=bob").json().get("items")).hasSize(1);
    }
  }

  @Test
  void aBrokenFileStopsTheStartAndChangesNothing() {
    Path file =
        Provisioning.write(
            files,
            "broken.toml",
            """
            [[groups]]
            name = "staff"

            [[apps]]
            name = "wiki"
            hosts = ["not a host"]
            """);

    assertThatThrownBy(
            () -> TestGatehouse.start(dir, Map.of("GATEHOUSE_PROVISIONING_FILE", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("provisioning.file")
        .hasMessageContaining("nothing of it was applied")
        .hasMessageContaining(file + ":6: apps[wiki].hosts");

    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(gh.get("/api/admin/groups/staff").status()).isEqualTo(404);
    }
  }
}
