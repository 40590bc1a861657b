package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object taken out of the file stays until {@code --prune}, which deletes it and never an object
 * the file did not create; a dry run names the deletions and makes none.
 */
class PruneDeletesOnlyManagedObjectsTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void pruneDeletesWhatTheFileNoLongerDeclaresAndNothingElse() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Path file = Provisioning.full(files);
      Provisioning.apply(gh, file, false, false);
      gh.createUser("carol", "carol's long password", "helpers");
      Path smaller =
          Provisioning.write(
              files,
              file.getFileName().toString(),
              """
              [[groups]]
              name = "staff"

              [[users]]
              username = "alice"
              email = "alice@example.test"
              display_name = "Alice"
              groups = ["staff"]
              password_file = "alice.password"
              """);

      assertThat(Provisioning.apply(gh, smaller, false, false).changes())
          .as("without --prune nothing is deleted")
          .isEmpty();
      assertThat(users(gh)).contains("bob");

      Provisioner.Outcome rehearsal = Provisioning.apply(gh, smaller, true, true);
      assertThat(Provisioning.lines(rehearsal))
          .containsExactly(
              "- api_key ci", "- client grafana", "- app wiki", "- user bob", "- group ops");
      assertThat(rehearsal.applied()).isFalse();
      assertThat(users(gh)).contains("bob");
      assertThat(gh.get("/api/admin/clients/grafana").status()).isEqualTo(200);

      Provisioner.Outcome pruned = Provisioning.apply(gh, smaller, true, false);

      assertThat(pruned.changes()).hasSize(5);
      assertThat(users(gh)).contains("alice", "carol", "admin").doesNotContain("bob");
      assertThat(gh.get("/api/admin/groups/helpers").status()).isEqualTo(200);
      assertThat(gh.get("/api/admin/groups/ops").status()).isEqualTo(404);
      assertThat(gh.get("/api/admin/clients/grafana").status()).isEqualTo(404);
      assertThat(gh.get("/api/admin/apps").json().get("items")).isEmpty();
      assertThat(gh.send("GET", "/api/admin/users", null, Provisioning.CI_KEY).status())
          .isEqualTo(401);
      assertThat(Provisioning.apply(gh, smaller, true, false).changes()).isEmpty();
    }
  }

  private static String users(TestGatehouse gh) {
    return gh.get("/api/admin/users").json().findValuesAsText("username").toString();
  }
}
