package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TestGatehouse.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a file manages, the API may read but not change: 409 naming the file, on every kind and
 * every change; an object the file does not manage changes as before.
 */
class ManagedObjectsAreRefusedToTheAdminApiTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void everyChangeToAManagedObjectIsRefusedNamingTheFile() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Path file = Provisioning.full(files);
      Provisioning.apply(gh, file, false, false);
      String alice =
          gh.get("/api/admin/users?username=alice").json().get("items").get(0).get("id").asText();
      String wiki = gh.get("/api/admin/apps").json().get("items").get(0).get("id").asText();
      String ciId = null;
      for (var key : gh.get("/api/admin/api-keys").json().get("items")) {
        if (key.get("name").asText().equals("ci")) {
          ciId = key.get("id").asText();
        }
      }
      String carol = gh.createUser("carol", "carol's long password");

      Response[] refused = {
        gh.patch("/api/admin/users/" + alice, "{\"display_name\":\"Mallory\"}"),
        gh.delete("/api/admin/users/" + alice),
        gh.post("/api/admin/groups/staff/members", "{\"username\":\"" + "bob" + "\"}"),
        gh.delete("/api/admin/groups/ops/members/bob"),
        gh.post("/api/admin/groups/ops/members", "{\"username\":\"alice\"}"),
        // usernames are case-insensitive: so is the check
        gh.post("/api/admin/groups/ops/members", "{\"username\":\"ALICE\"}"),
        gh.delete("/api/admin/groups/staff/members/Alice"),
        gh.patch("/api/admin/groups/ops", "{\"require_mfa\":true}"),
        gh.delete("/api/admin/groups/staff"),
        gh.patch("/api/admin/apps/" + wiki, "{\"hosts\":[\"evil.example.test\"]}"),
        gh.delete("/api/admin/apps/" + wiki),
        gh.patch("/api/admin/clients/grafana", "{\"name\":\"Evil\"}"),
        gh.post("/api/admin/clients/grafana/secret", null),
        gh.delete("/api/admin/clients/grafana"),
        gh.delete("/api/admin/api-keys/" + ciId),
      };

      for (Response response : refused) {
        assertThat(response.status()).as(response.raw().request().uri().toString()).isEqualTo(409);
        assertThat(response.json().get("message").asText())
            .contains("managed by the provisioning file " + file.toAbsolutePath())
            .contains("change it there");
      }
      assertThat(ciId).isNotNull();
      assertThat(gh.get("/api/admin/users/" + alice).json().get("display_name").asText())
          .isEqualTo("Alice");
      assertThat(gh.patch("/api/admin/users/" + carol, "{\"display_name\":\"Carol\"}").status())
          .as("carol is not the file's")
          .isEqualTo(200);
      assertThat(gh.post("/api/admin/groups/staff/members", "{\"username\":\"carol\"}").status())
          .as("a managed group takes members the file does not manage")
          .isEqualTo(201);
    }
  }
}
