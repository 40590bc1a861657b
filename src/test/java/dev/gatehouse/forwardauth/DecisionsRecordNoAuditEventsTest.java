package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.store.StoreMetrics;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit log stays off the hot path: allowed, denied, unauthenticated and stale-cookie
 * decisions, with stdout logging on, record no event, print no line and run no statement.
 */
class DecisionsRecordNoAuditEventsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void noDecisionIsAnAuditEvent(Listener listener) {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (TestGatehouse gh =
            TestGatehouse.start(
                dir,
                Map.of(
                    "GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "600000",
                    "GATEHOUSE_AUDIT_LOG_STDOUT", "true"));
        Proxy proxy = listener.proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/staff","policy":"groups","groups":["staff"]},
            {"path":"/","policy":"authenticated"}]}""");
      alice.login("alice", "alice-password");
      gh.settle();
      StoreMetrics metrics = gh.gatehouse().store().metrics();
      long reads = metrics.readStatements();
      long writes = metrics.writeStatements();
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));

      for (int i = 0; i < 200; i++) {
        String page = "https://wiki.example.test/" + (i % 2 == 0 ? "a" : "staff");
        assertThat(proxy.forwardAuth("GET", page, "Cookie", alice.cookieHeader()).statusCode())
            .isEqualTo(i % 2 == 0 ? 200 : 403);
        assertThat(proxy.forwardAuth("GET", page, "Cookie", "gh_session=stale").statusCode())
            .isEqualTo(401);
        assertThat(proxy.forwardAuth("GET", page, "Accept", Proxy.HTML).statusCode())
            .isEqualTo(302);
      }

      assertThat(metrics.readStatements()).isEqualTo(reads);
      assertThat(metrics.writeStatements()).isEqualTo(writes);
      assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("\"log\":\"audit\"");
    } finally {
      System.setOut(original);
    }
  }
}
