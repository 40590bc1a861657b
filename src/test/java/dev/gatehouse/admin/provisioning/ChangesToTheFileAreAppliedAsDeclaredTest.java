package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edited file changes exactly what was edited, and says what: a user's email, groups and
 * password (which ends her sessions, as any new password does), a group's second-factor rule, an
 * app's rules, a client's redirect URIs; a field taken out returns to its default; a key whose role
 * changed is replaced and its secret goes on working.
 */
class ChangesToTheFileAreAppliedAsDeclaredTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void editsAreAppliedAndNamed() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      Path file = Provisioning.full(files);
      Provisioning.apply(gh, file, false, false);
      alice.login("alice", "alice's long password");
      String cookie = alice.cookieHeader();
      Provisioning.write(files, "alice.password", "alice's new long password");
      Provisioning.write(
          files,
          file.getFileName().toString(),
          """
          [[groups]]
          name = "staff"

          [[groups]]
          name = "ops"
          require_mfa = true

          [[users]]
          username = "alice"
          email = "alice@corp.example.test"
          groups = ["ops"]
          password_file = "alice.password"

          [[users]]
          username = "bob"
          groups = ["ops", "staff"]

          [[apps]]
          name = "wiki"
          hosts = ["wiki.example.test"]
          rules = [
            { path = "/admin", policy = "groups", groups = ["staff"] },
            { path = "/", policy = "authenticated" },
          ]

          [[clients]]
          client_id = "grafana"
          grant_types = ["client_credentials", "authorization_code"]
          redirect_uris = ["https://grafana.example.test/login/generic_oauth"]
          secret_file = "grafana.secret"

          [[api_keys]]
          name = "ci"
          role = "admin"
          key_env = "CI_KEY"
          """);

      Provisioner.Outcome edited = Provisioning.apply(gh, file, false, false);

      assertThat(Provisioning.lines(edited))
          .containsExactly(
              "~ group ops: require_mfa",
              "~ user alice: email, display_name, groups, password",
              "~ app wiki: rules",
              "~ client grafana: name, redirect_uris, grant_types, scopes, secret",
              "~ api_key ci: replaced");
      assertThat(
              proxy.forwardAuth("GET", "https://wiki.example.test/", "Cookie", cookie).statusCode())
          .as("a new password ends the sessions of the old one")
          .isEqualTo(401);
      JsonNode user = gh.get("/api/admin/users?username=alice").json().get("items").get(0);
      assertThat(user.get("email").asText()).isEqualTo("alice@corp.example.test");
      assertThat(user.get("display_name").isNull()).as("taken out of the file").isTrue();
      assertThat(user.get("groups").toString()).isEqualTo("[\"ops\"]");
      assertThat(gh.get("/api/admin/groups/ops").json().get("require_mfa").asBoolean()).isTrue();
      JsonNode client = gh.get("/api/admin/clients/grafana").json();
      assertThat(client.get("name").asText()).as("back to its default").isEqualTo("grafana");
      assertThat(client.get("scopes").toString())
          .as("back to the defaults")
          .isEqualTo("[\"openid\",\"profile\",\"email\"]");
      assertThat(Provisioning.tokenStatus(gh, "grafana", Provisioning.GRAFANA_SECRET))
          .isEqualTo(200);
      assertThat(
              gh.send("POST", "/api/admin/groups", "{\"name\":\"x\"}", Provisioning.CI_KEY)
                  .status())
          .as("the replaced key is an admin key now, with the same secret")
          .isEqualTo(201);
      assertThat(Provisioning.apply(gh, file, false, false).changes()).isEmpty();

      String declared = java.nio.file.Files.readString(file);
      Provisioning.write(
          files,
          file.getFileName().toString(),
          declared.replace("name = \"wiki\"\n", "name = \"wiki\"\npath_case_insensitive = true\n"));
      assertThat(Provisioning.lines(Provisioning.apply(gh, file, false, true)))
          .as("rules written without their defaults (methods, networks) are compared as stored")
          .containsExactly("~ app wiki: path_case_insensitive");
    }
  }
}
