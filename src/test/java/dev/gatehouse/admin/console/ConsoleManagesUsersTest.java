package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's user pages over real HTTP, as a signed-in admin and as others. */
class ConsoleManagesUsersTest {
  @TempDir Path dir;

  private static Browser admin(TestGatehouse gh) {
    Browser browser = new Browser(gh);
    assertThat(browser.login("admin", TestGatehouse.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
    return browser;
  }

  @Test
  void signedOutVisitorsAreSentToSignInAndBack() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      HttpResponse<String> page = browser.get("/admin/users?q=bob");
      assertThat(page.statusCode()).isEqualTo(303);
      assertThat(page.headers().firstValue("Location"))
          .hasValue("/login?rd=%2Fadmin%2Fusers%3Fq%3Dbob");
      assertThat(browser.get("/admin/no-such-page").statusCode()).isEqualTo(303);
    }
  }

  @Test
  void usersOutsideTheAdminsGroupAreRefused() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff");
      alice.login("alice", "alice-password");
      assertThat(alice.get("/admin").statusCode()).isEqualTo(403);
      assertThat(alice.get("/admin/no-such-page").statusCode()).isEqualTo(403);
      HttpResponse<String> post =
          alice.submit("/admin/users", Map.of("username", "mallory", "password", "mallory-pw-1"));
      assertThat(post.statusCode()).isEqualTo(403);
      assertThat(gh.get("/api/admin/users?username=mallory").json().get("total").asInt()).isZero();
    }
  }

  @Test
  void anAdminCreatesFindsEditsAndDeletesAUserAsThemselves() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser admin = admin(gh)) {
      gh.get("/api/admin/groups"); // the bootstrap's admins group exists
      gh.post("/api/admin/groups", "{\"name\":\"staff\"}");
      assertThat(admin.get("/admin/users/new").statusCode()).isEqualTo(200);
      HttpResponse<String> created =
          admin.submit(
              "/admin/users",
              Map.of(
                  "username", "Bob",
                  "display_name", "Bob Builder",
                  "email", "bob@example.test",
                  "password", "a-long-bob-password",
                  "groups", "staff"));
      assertThat(created.statusCode()).isEqualTo(303);
      String location = created.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith("/admin/users/").endsWith("?done=created");
      String id = location.substring("/admin/users/".length(), location.indexOf('?'));

      assertThat(admin.get(location).body())
          .contains("Created.")
          .contains("Bob Builder")
          .contains("bob@example.test")
          .contains("href=\"/admin/groups/staff\"");
      assertThat(admin.get("/admin/users?q=BUILD").body()).contains("/admin/users/" + id);
      assertThat(admin.get("/admin/users?q=b_b").body()).contains("No user matches");

      // Refused by the same validation as the API, shown at the field with what was typed.
      HttpResponse<String> taken =
          admin.submit("/admin/users", Map.of("username", "bob", "display_name", "Second Bob"));
      assertThat(taken.statusCode()).isEqualTo(400);
      assertThat(taken.body())
          .containsPattern("id=\"username\"[^>]*aria-invalid=\"true\"")
          .contains("username bob is taken")
          .contains("value=\"Second Bob\"");

      HttpResponse<String> password =
          admin.submit("/admin/users/" + id + "/password", Map.of("password", "another-bob-pass"));
      assertThat(password.statusCode()).isEqualTo(303);
      JsonNode event = gh.get("/api/admin/audit?kind=password_changed").json().get("events").get(0);
      assertThat(event.get("actor_kind").asText()).isEqualTo("user");
      assertThat(event.get("actor_name").asText()).isEqualTo("admin");
      assertThat(event.get("subject_username").asText()).isEqualTo("bob");
      assertThat(event.get("reason").asText()).isEqualTo("set through the admin console");

      assertThat(
              admin
                  .submit(
                      "/admin/users/" + id,
                      Map.of("display_name", "Robert", "email", "", "disabled", "on"))
                  .statusCode())
          .isEqualTo(303);
      JsonNode bob = gh.get("/api/admin/users/" + id).json();
      assertThat(bob.get("display_name").asText()).isEqualTo("Robert");
      assertThat(bob.get("email").isNull()).isTrue();
      assertThat(bob.get("disabled").asBoolean()).isTrue();

      HttpResponse<String> unconfirmed =
          admin.submit("/admin/users/" + id + "/delete", Map.of("confirm", "bo"));
      assertThat(unconfirmed.statusCode()).isEqualTo(400);
      assertThat(unconfirmed.body()).contains("type bob to confirm");
      assertThat(gh.get("/api/admin/users/" + id).status()).isEqualTo(200);
      assertThat(
              admin.submit("/admin/users/" + id + "/delete", Map.of("confirm", "bob")).statusCode())
          .isEqualTo(303);
      assertThat(gh.get("/api/admin/users/" + id).status()).isEqualTo(404);
    }
  }

  @Test
  void formsWithoutTheTokenChangeNothing() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser admin = admin(gh)) {
      admin.get("/admin/users/new");
      HttpResponse<String> forged =
          admin.post("/admin/users", Map.of("username", "forged", "password", "forged-password"));
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(gh.get("/api/admin/users?username=forged").json().get("total").asInt()).isZero();
    }
  }

  @Test
  void theListPagesThroughManyUsers() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser admin = admin(gh)) {
      for (int i = 0; i < 120; i++) {
        gh.post("/api/admin/users", String.format("{\"username\":\"user%03d\"}", i));
      }
      String first = admin.get("/admin/users").body();
      assertThat(first).contains("1–50 of 121 users").contains("?page=2").contains("user000");
      String last = admin.get("/admin/users?page=3").body();
      assertThat(last)
          .contains("101–121 of 121 users")
          .contains("user119")
          .doesNotContain("?page=4");
      assertThat(admin.get("/admin/users?q=user11&page=1").body()).contains("1–10 of 10 users");
    }
  }
}
