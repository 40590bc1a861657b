package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile form on the account page: the display name is the user's own to change; the email
 * only where {@code [account] allow_email_change} says so, never to another user's, and for a user
 * with a second factor only from a session that proved it. Refusals are shown next to the field.
 */
class AccountProfileChangesTest {
  private static final Map<String, String> EMAIL_CHANGES =
      Map.of("GATEHOUSE_ACCOUNT_ALLOW_EMAIL_CHANGE", "true");
  @TempDir Path dir;

  @Test
  void displayNameChangeShowsOnThePageAndInTheAdminApiAndIsAudited() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      assertThat(alice.get("/account").body())
          .contains("<h1>User alice</h1>")
          .contains("Only an administrator can change your email address")
          .doesNotContain("name=\"email\"");

      HttpResponse<String> saved =
          alice.submit("/account/profile", Map.of("display_name", "  Alice Liddell "));
      assertThat(saved.statusCode()).isEqualTo(303);
      assertThat(saved.headers().firstValue("Location")).hasValue("/account");
      assertThat(alice.get("/account").body())
          .contains("<h1>Alice Liddell</h1>")
          .contains("value=\"Alice Liddell\"");
      assertThat(gh.get("/api/admin/users/" + id).json().get("display_name").asText())
          .isEqualTo("Alice Liddell");

      alice.submit("/account/profile", Map.of("display_name", ""));
      assertThat(gh.get("/api/admin/users/" + id).json().path("display_name").asText(null))
          .isNull();
      assertThat(alice.get("/account").body()).contains("<h1>alice</h1>");

      gh.gatehouse().store().writer().write(dev.gatehouse.store.DataClass.AUDIT, tx -> null);
      JsonNode events = gh.get("/api/admin/audit?kind=profile_changed").json().get("events");
      assertThat(events).hasSize(2);
      assertThat(events.get(0).get("actor_name").asText()).isEqualTo("alice");
      assertThat(events.get(0).get("details").get("changed").get(0).asText())
          .isEqualTo("display_name");
    }
  }

  @Test
  void invalidDisplayNameIsShownNextToTheFieldAndKeptInIt() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      alice.get("/account");

      HttpResponse<String> refused =
          alice.submit("/account/profile", Map.of("display_name", "x".repeat(201)));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .contains("aria-invalid=\"true\" aria-describedby=\"display-name-error\"")
          .contains("id=\"display-name-error\">display_name must be 1-200 characters")
          .contains("value=\"" + "x".repeat(201) + "\"");
      assertThat(gh.get("/api/admin/users/" + id).json().get("display_name").asText())
          .isEqualTo("User alice");
    }
  }

  @Test
  void emailChangeIsRefusedWhenTheConfigurationDoesNotAllowIt() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      alice.get("/account");

      HttpResponse<String> refused =
          alice.submit(
              "/account/profile",
              Map.of("display_name", "User alice", "email", "alice@elsewhere.test"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .contains("id=\"email-error\">Only an administrator can change your email address.")
          .contains("alice@example.test")
          .doesNotContain("alice@elsewhere.test");
      assertThat(gh.get("/api/admin/users/" + id).json().get("email").asText())
          .isEqualTo("alice@example.test");
    }
  }

  @Test
  void allowedEmailChangeIsSavedButAnotherUsersEmailIsRefusedAtTheField() {
    try (TestGatehouse gh = TestGatehouse.start(dir, EMAIL_CHANGES);
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      gh.createUser("bob", "bob-password");
      alice.login("alice", "alice-password");
      assertThat(alice.get("/account").body())
          .contains(
              "<input type=\"email\" id=\"email\" name=\"email\" value=\"alice@example.test\"");

      HttpResponse<String> taken =
          alice.submit(
              "/account/profile",
              Map.of("display_name", "User alice", "email", "bob@example.test"));
      assertThat(taken.statusCode()).isEqualTo(400);
      assertThat(taken.body())
          .contains("aria-invalid=\"true\" aria-describedby=\"email-error\"")
          .contains("id=\"email-error\">email bob@example.test belongs to another user")
          .contains("value=\"bob@example.test\"");
      HttpResponse<String> malformed =
          alice.submit(
              "/account/profile", Map.of("display_name", "User alice", "email", "not an email"));
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body()).contains("id=\"email-error\">email must look like");
      assertThat(gh.get("/api/admin/users/" + id).json().get("email").asText())
          .isEqualTo("alice@example.test");

      HttpResponse<String> saved =
          alice.submit(
              "/account/profile",
              Map.of("display_name", "User alice", "email", "alice@elsewhere.test"));
      assertThat(saved.statusCode()).isEqualTo(303);
      assertThat(gh.get("/api/admin/users/" + id).json().get("email").asText())
          .isEqualTo("alice@elsewhere.test");
    }
  }

  @Test
  void emailChangeOfAUserWithASecondFactorWaitsForTheStepUp() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, EMAIL_CHANGES, clock);
        Browser dave = new Browser(gh)) {
      String id = gh.createUser("dave", "dave-password");
      dave.login("dave", "dave-password");
      AuthenticatorApp.enrol(dave, "", clock);
      dave.submit("/logout", Map.of());
      dave.login("dave", "dave-password");
      dave.get("/account");

      HttpResponse<String> email =
          dave.submit(
              "/account/profile", Map.of("display_name", "User dave", "email", "d@evil.test"));
      assertThat(email.statusCode()).isEqualTo(303);
      assertThat(email.headers().firstValue("Location")).hasValue("/login/verify?rd=%2Faccount");
      assertThat(gh.get("/api/admin/users/" + id).json().get("email").asText())
          .isEqualTo("dave@example.test");
      HttpResponse<String> name =
          dave.submit(
              "/account/profile", Map.of("display_name", "Dave", "email", "dave@example.test"));
      assertThat(name.headers().firstValue("Location")).hasValue("/account");
      assertThat(gh.get("/api/admin/users/" + id).json().get("display_name").asText())
          .isEqualTo("Dave");
    }
  }

  @Test
  void profileFormWithoutTheCsrfTokenChangesNothing() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");

      HttpResponse<String> forged =
          alice.post("/account/profile", Map.of("display_name", "Mallory was here"));
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(gh.get("/api/admin/users/" + id).json().get("display_name").asText())
          .isEqualTo("User alice");
    }
  }
}
