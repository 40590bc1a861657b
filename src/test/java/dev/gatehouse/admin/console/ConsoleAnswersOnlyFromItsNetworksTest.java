package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code console.networks} set, the console is not there for anyone else, an admin's own
 * session included: 404 on every console path, changes refused; the account page and the admin API
 * are not affected.
 */
class ConsoleAnswersOnlyFromItsNetworksTest {
  @TempDir Path dir;

  @Test
  void outsideTheNetworksEveryConsolePathIsNotFound() {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_CONSOLE_NETWORKS", "127.0.0.2/32"));
        Browser inside = new Browser(gh, "127.0.0.2");
        Browser outside = new Browser(gh, "127.0.0.1")) {
      inside.login("admin", TestGatehouse.ADMIN_PASSWORD);
      outside.login("admin", TestGatehouse.ADMIN_PASSWORD);
      assertThat(inside.get("/admin/users").statusCode()).isEqualTo(200);

      assertThat(outside.get("/admin").statusCode()).isEqualTo(404);
      assertThat(outside.get("/admin/users").statusCode()).isEqualTo(404);
      assertThat(outside.get("/admin/no-such-page").statusCode()).isEqualTo(404);
      outside.get("/account");
      HttpResponse<String> change =
          outside.submit("/admin/users", Map.of("username", "planted", "password", "planted-pw-1"));
      assertThat(change.statusCode()).isEqualTo(404);
      assertThat(gh.get("/api/admin/users?username=planted").json().get("total").asInt()).isZero();
      assertThat(outside.get("/account").statusCode()).isEqualTo(200);

      // Not signed in, outside: no sign-in redirect either, nothing says a console is there.
      try (Browser stranger = new Browser(gh, "127.0.0.1")) {
        assertThat(stranger.get("/admin").statusCode()).isEqualTo(404);
      }
    }
  }
}
