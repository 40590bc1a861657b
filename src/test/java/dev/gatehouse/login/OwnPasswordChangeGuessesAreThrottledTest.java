package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The account page's password change checks the current password: with a stolen session and no
 * throttle it was an unlimited password oracle. It is throttled per account like sign-in; a wrong
 * new password is not a guess and costs nothing.
 */
class OwnPasswordChangeGuessesAreThrottledTest {
  @TempDir Path dir;

  @Test
  void wrongCurrentPasswordsMakeTheAccountWaitBeforeAnyCheck() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser thief = new Browser(gh)) {
      gh.createUser("judy", "judy-password");
      assertThat(thief.login("judy", "judy-password").statusCode()).isEqualTo(303);

      for (int i = 0; i < 3; i++) {
        assertThat(change(thief, "judy-password", "short").statusCode())
            .as("a new password that is too short is no guess")
            .isEqualTo(400);
      }
      for (int i = 0; i < 6; i++) {
        assertThat(change(thief, "guess-" + i, "a-new-password").statusCode()).isEqualTo(400);
      }
      HttpResponse<String> throttled = change(thief, "judy-password", "a-new-password");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(throttled.body()).contains("Too many wrong passwords");

      clock.advance(Duration.ofSeconds(1));
      assertThat(change(thief, "judy-password", "a-new-password").statusCode()).isEqualTo(303);
    }
  }

  private static HttpResponse<String> change(Browser browser, String current, String next) {
    return browser.submit(
        "/account/password", Map.of("current_password", current, "new_password", next));
  }
}
