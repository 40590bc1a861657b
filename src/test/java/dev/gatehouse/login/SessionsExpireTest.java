package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle timeout and absolute lifetime, proved by moving a clock rather than by sleeping. */
class SessionsExpireTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  private static TestGatehouse start(Path dir, TestClock clock) {
    TestGatehouse gh =
        TestGatehouse.start(
            dir,
            Map.of(
                "GATEHOUSE_SESSION_IDLE_TIMEOUT_SECONDS", "60",
                "GATEHOUSE_SESSION_LIFETIME_SECONDS", "300"),
            clock);
    gh.createUser("alice", "alice-password");
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
    return gh;
  }

  @Test
  void anIdleSessionEndsAfterTheIdleTimeoutAndActivitySlidesIt() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String session = "gh_session=" + alice.cookie("gh_session");

      clock.advance(Duration.ofSeconds(59));
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(59));
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(60));
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(401);
      assertThat(alice.get("/account").statusCode()).isEqualTo(303);
    }
  }

  @Test
  void anActiveSessionEndsAtItsAbsoluteLifetime() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String session = "gh_session=" + alice.cookie("gh_session");
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofSeconds(50));
        assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);
      }
      clock.advance(Duration.ofSeconds(50));
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(401);
    }
  }
}
