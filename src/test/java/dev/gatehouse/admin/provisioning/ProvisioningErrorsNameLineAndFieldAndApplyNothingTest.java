package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file with errors reports every one it can find, each with its file, line and field, and nothing
 * of it is applied: not even the objects before the one that fails (one transaction).
 */
class ProvisioningErrorsNameLineAndFieldAndApplyNothingTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void everyProblemOfTheFileIsNamedAtItsLine() {
    Path file =
        Provisioning.write(
            files,
            "broken.toml",
            """
            [[groups]]
            name = "staff"
            colour = "blue"

            [[users]]
            username = "alice"
            password_hash = "plain text"

            [[users]]
            username = "bob"
            password_env = "BOB_PASSWORD"

            [[clients]]
            client_id = "grafana"
            redirect_uris = ["https://grafana.example.test/login"]

            [[api_keys]]
            name = "ci"
            key_sha256 = "abc"

            [[users]]
            username = "ALICE"

            [widgets]
            """);

    assertThatThrownBy(() -> ProvisioningFile.read(file, Map.<String, String>of()::get))
        .isInstanceOfSatisfying(
            ProvisioningException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        file
                            + ":24: widgets: unknown; expected one of api_keys, apps, clients,"
                            + " groups, users",
                        file
                            + ":3: groups[staff].colour: unknown field; expected one of name,"
                            + " require_mfa",
                        file
                            + ":7: users[alice].password_hash: expected an Argon2id PHC string"
                            + " ($argon2id$v=19$m=...)",
                        file
                            + ":11: users[bob].password_env: the environment variable"
                            + " BOB_PASSWORD is not set",
                        file
                            + ":13: clients[grafana].secret_file: a confidential client needs its"
                            + " secret: secret_file, secret_env or secret_sha256",
                        file
                            + ":19: api_keys[ci].key_sha256: expected 64 lowercase hex digits"
                            + " (sha256sum of the secret)",
                        file + ":22: users[ALICE].username: declared twice"));
  }

  @Test
  void aChangeRefusedHalfWayAppliesNothing() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Path file =
          Provisioning.write(
              files,
              "half.toml",
              """
              [[groups]]
              name = "staff"

              [[users]]
              username = "alice"
              groups = ["staff"]

              [[apps]]
              name = "wiki"
              hosts = ["wiki.example.test"]
              rules = [
                { path = "/", policy = "groups" },
              ]
              """);
      long users = count(gh, "users");

      assertThatThrownBy(() -> Provisioning.apply(gh, file, false, false))
          .isInstanceOfSatisfying(
              ProvisioningException.class,
              e ->
                  assertThat(e.problems())
                      .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                      .isEqualTo(
                          file
                              + ":11: apps[wiki].rules[0].groups: policy groups needs at least"
                              + " one group"));
      assertThatThrownBy(() -> Provisioning.apply(gh, file, false, true))
          .as("a dry run finds the same error")
          .isInstanceOf(ProvisioningException.class);

      assertThat(count(gh, "users")).isEqualTo(users);
      assertThat(count(gh, "groups_")).isEqualTo(1);
      assertThat(count(gh, "managed_objects")).isZero();
      assertThat(gh.get("/api/admin/groups/staff").status()).isEqualTo(404);
    }
  }

  private static long count(TestGatehouse gh, String table) throws Exception {
    try (var connection = gh.connectToDatabase();
        var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
