package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin who has a second factor reaches the console only from a session that proved it: their
 * password alone (stolen, phished) opens no page and changes nothing there.
 */
class ConsoleAsksAdminsForTheirSecondFactorTest {
  @TempDir Path dir;

  @Test
  void aPasswordOnlySessionIsSentToProveTheSecondFactorFirst() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser root = new Browser(gh)) {
      gh.createUser("root", "root-password-1", "admins");
      root.login("root", "root-password-1");
      assertThat(root.get("/admin").statusCode()).isEqualTo(200);
      AuthenticatorApp.Enrolled enrolled = AuthenticatorApp.enrol(root, "", clock);
      root.submit("/logout", Map.of());
      root.login("root", "root-password-1");
      root.get("/account");

      HttpResponse<String> page = root.get("/admin/users");
      assertThat(page.statusCode()).isEqualTo(303);
      assertThat(page.headers().firstValue("Location"))
          .hasValue("/login/verify?rd=%2Fadmin%2Fusers");
      HttpResponse<String> change =
          root.submit("/admin/users", Map.of("username", "planted", "password", "planted-pw-1"));
      assertThat(change.statusCode()).isEqualTo(403);
      assertThat(gh.get("/api/admin/users?username=planted").json().get("total").asInt()).isZero();

      clock.advance(Duration.ofSeconds(30));
      root.get("/login/verify?rd=%2Fadmin%2Fusers");
      HttpResponse<String> proved =
          root.submit(
              "/login/verify",
              Map.of("rd", "/admin/users", "method", "totp", "code", enrolled.app().code()));
      assertThat(proved.headers().firstValue("Location")).hasValue("/admin/users");
      assertThat(root.get("/admin/users").statusCode()).isEqualTo(200);
      assertThat(
              root.submit("/admin/users", Map.of("username", "welcome", "password", "welcome-pw-1"))
                  .statusCode())
          .isEqualTo(303);
    }
  }
}
