package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser that signed in before carries a signed known-browser cookie; someone else's guesses on
 * the account throttle everyone else, but not that browser.
 */
class KnownBrowserIsNotLockedOutByOthersGuessesTest {
  @TempDir Path dir;

  @Test
  void theKnownBrowserSignsInWhileTheAccountIsThrottledForOthers() {
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), new TestClock());
        Browser known = new Browser(gh);
        Browser stranger = new Browser(gh, "127.0.0.20");
        Browser forger = new Browser(gh, "127.0.0.21")) {
      gh.createUser("alice", "alice-password");
      gh.createUser("bob", "bob-password");
      assertThat(known.login("alice", "alice-password").statusCode()).isEqualTo(303);
      String cookie = known.cookie("gh_known");
      assertThat(cookie).isNotNull();

      for (int i = 2; i < 12; i++) {
        try (Browser attacker = new Browser(gh, "127.0.0." + i)) {
          attacker.login("alice", "guess-" + i);
        }
      }
      assertThat(stranger.login("alice", "alice-password").statusCode()).isEqualTo(429);
      assertThat(known.login("alice", "alice-password").statusCode()).isEqualTo(303);

      // The cookie counts only for the account it names, and only as signed.
      forger.setCookie("gh_known", cookie.substring(0, cookie.length() - 2) + "AA");
      assertThat(forger.login("alice", "alice-password").statusCode()).isEqualTo(429);
      assertThat(forger.login("bob", "bob-password").statusCode()).isEqualTo(303);
      assertThat(forger.cookie("gh_known")).isNotEqualTo(cookie);
      assertThat(forger.login("alice", "alice-password").statusCode())
          .as("bob's known-browser cookie does not vouch for alice")
          .isEqualTo(429);
    }
  }

  @Test
  void theKnownBrowserCookieIsHttpOnlyAndLongLived() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      String setCookie =
          browser.login("alice", "alice-password").headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("gh_known="))
              .findFirst()
              .orElseThrow();
      assertThat(setCookie).contains("; HttpOnly").contains("; Max-Age=31536000");
    }
  }
}
