package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console goes through the same rules as the API: a change to what a provisioning file manages
 * is refused with a message that names the file, shown to the admin; others go on.
 */
class ConsoleRefusesChangesToManagedObjectsTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void managedObjectsAreRefusedNamingTheFile() throws Exception {
    Path file = files.resolve("people.toml");
    Files.writeString(
        file,
        """
        [[groups]]
        name = "ops"

        [[users]]
        username = "bob"
        groups = ["ops"]
        """);
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_PROVISIONING_FILE", file.toString()));
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      String bob =
          gh.get("/api/admin/users?username=bob").json().get("items").get(0).get("id").asText();
      String says = "is managed by the provisioning file " + file;
      admin.browser().get("/admin/groups/ops");

      HttpResponse<String> mfa =
          admin.browser().submit("/admin/groups/ops/mfa", Map.of("require_mfa", "on"));
      HttpResponse<String> member =
          admin.browser().submit("/admin/groups/admins/members", Map.of("username", "bob"));
      HttpResponse<String> delete =
          admin.browser().submit("/admin/users/" + bob + "/delete", Map.of("confirm", "bob"));

      assertThat(mfa.statusCode()).isEqualTo(409);
      assertThat(mfa.body()).contains("group ops " + says);
      assertThat(member.statusCode()).isEqualTo(400);
      assertThat(member.body()).contains("user bob " + says);
      assertThat(delete.statusCode()).isEqualTo(409);
      assertThat(delete.body()).contains("user bob " + says);
      assertThat(gh.get("/api/admin/groups/ops").json().get("require_mfa").asBoolean()).isFalse();
      assertThat(gh.get("/api/admin/users/" + bob).status()).isEqualTo(200);
      assertThat(
              admin
                  .browser()
                  .submit("/admin/groups/ops/members", Map.of("username", "root"))
                  .statusCode())
          .as("an unmanaged user joins a managed group")
          .isEqualTo(303);
    }
  }
}
