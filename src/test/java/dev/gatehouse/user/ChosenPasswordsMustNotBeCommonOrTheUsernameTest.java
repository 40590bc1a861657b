package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wherever a person chooses a password (the admin API's create and update, the account page's
 * change) it must be 8-1024 characters, not the username and not among the 10,000 most common
 * passwords, in any case; the refusal names the field the password was sent in.
 */
class ChosenPasswordsMustNotBeCommonOrTheUsernameTest {
  @TempDir Path dir;

  @Test
  void adminApiRefusesCommonPasswordsAndTheUsernameNamingThePasswordField() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      for (String weak : new String[] {"baseball", "QwertyUiop", "Password1", "carol-smith"}) {
        TestGatehouse.Response refused =
            gh.post(
                "/api/admin/users", "{\"username\":\"carol-smith\",\"password\":\"" + weak + "\"}");
        assertThat(refused.status()).as(weak).isEqualTo(400);
        assertThat(refused.json().get("field").asText()).isEqualTo("password");
        assertThat(refused.body()).doesNotContain(weak);
      }
      assertThat(gh.get("/api/admin/users").body()).doesNotContain("carol-smith");

      TestGatehouse.Response created =
          gh.post(
              "/api/admin/users",
              "{\"username\":\"carol-smith\",\"password\":\"marmalade kettle drum\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String path = "/api/admin/users/" + created.json().get("id").asText();
      TestGatehouse.Response patched = gh.patch(path, "{\"password\":\"sunshine\"}");
      assertThat(patched.status()).isEqualTo(400);
      assertThat(patched.json().get("field").asText()).isEqualTo("password");
      assertThat(patched.json().get("message").asText()).contains("10,000 most common");
      assertThat(gh.patch(path, "{\"password\":\"Carol-Smith\"}").json().get("message").asText())
          .contains("must not be the username");
    }
  }

  @Test
  void accountPageRefusesACommonNewPasswordOrTheUsernameNextToTheField() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh);
        Browser later = new Browser(gh)) {
      gh.createUser("alice-liddell", "rabbit hole tea party");
      alice.login("alice-liddell", "rabbit hole tea party");
      alice.get("/account");

      HttpResponse<String> common =
          alice.submit(
              "/account/password",
              Map.of("current_password", "rabbit hole tea party", "new_password", "Football"));
      assertThat(common.statusCode()).isEqualTo(400);
      assertThat(common.body())
          .contains(
              "aria-invalid=\"true\" aria-describedby=\"new-password-rule new-password-error\"")
          .contains("id=\"new-password-error\" role=\"alert\">this password is among the 10,000")
          .doesNotContain("Football");
      HttpResponse<String> username =
          alice.submit(
              "/account/password",
              Map.of("current_password", "rabbit hole tea party", "new_password", "Alice-Liddell"));
      assertThat(username.statusCode()).isEqualTo(400);
      assertThat(username.body())
          .contains(
              "id=\"new-password-error\" role=\"alert\">the password must not be the username");
      assertThat(later.login("alice-liddell", "rabbit hole tea party").statusCode()).isEqualTo(303);
    }
  }
}
