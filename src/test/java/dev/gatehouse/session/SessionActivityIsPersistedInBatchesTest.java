package dev.gatehouse.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionActivityIsPersistedInBatchesTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  private static long lastSeenInDatabase(TestGatehouse gh, String cookie) {
    return gh.gatehouse()
        .store()
        .reads()
        .read(
            q ->
                q.one(
                        "SELECT last_seen FROM sessions WHERE id_digest = ?",
                        row -> row.getLong(1),
                        Secrets.digest(cookie))
                    .orElseThrow());
  }

  private static TestGatehouse start(Path dir, TestClock clock, String flushMs) {
    return TestGatehouse.start(dir, Map.of("GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", flushMs), clock);
  }

  @Test
  void lastSeenMovesOnlyAtTheFlush() throws InterruptedException {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock, "300");
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      alice.login("alice", "alice-password");
      String cookie = alice.cookie("gh_session");
      long loggedIn = lastSeenInDatabase(gh, cookie);
      assertThat(loggedIn).isEqualTo(clock.millis());

      clock.advance(Duration.ofMinutes(5));
      // The sign-in's audit event is queued without the login waiting: let it land before counting.
      gh.gatehouse().store().writer().write(DataClass.AUDIT, tx -> null);
      long writes = gh.gatehouse().store().metrics().writeStatements();
      for (int i = 0; i < 500; i++) {
        assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", "gh_session=" + cookie).statusCode())
            .isEqualTo(200);
      }

      // The flush runs every 300 ms; wait for it, then expect one UPDATE for all 500.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (lastSeenInDatabase(gh, cookie) == loggedIn && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(lastSeenInDatabase(gh, cookie)).isEqualTo(clock.millis());
      assertThat(gh.gatehouse().store().metrics().writeStatements() - writes).isEqualTo(1L);
    }
  }

  @Test
  void activityAndSessionsSurviveARestart() {
    TestClock clock = new TestClock();
    String cookie;
    long lastActive;
    try (TestGatehouse gh = start(dir, clock, "600000");
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      alice.login("alice", "alice-password");
      cookie = alice.cookie("gh_session");
      long loggedIn = lastSeenInDatabase(gh, cookie);
      clock.advance(Duration.ofMinutes(3));
      lastActive = clock.millis();
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", "gh_session=" + cookie).statusCode())
          .isEqualTo(200);
      // No flush before shutdown: the database still has the login time.
      assertThat(lastSeenInDatabase(gh, cookie)).isEqualTo(loggedIn);
    }

    clock.advance(Duration.ofMinutes(1));
    try (TestGatehouse gh = start(dir, clock, "600000");
        Proxy proxy = new Proxy(gh)) {
      assertThat(lastSeenInDatabase(gh, cookie)).isEqualTo(lastActive);
      var decision = proxy.forwardAuth("GET", PAGE, "Cookie", "gh_session=" + cookie);
      assertThat(decision.statusCode()).isEqualTo(200);
      assertThat(decision.headers().firstValue("Remote-User")).hasValue("alice");
    }
  }
}
