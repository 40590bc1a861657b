package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.store.StoreMetrics;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a cluster a session cookie a node does not know may be looked up in the database, so an
 * attacker's made-up cookies must not become a query flood: 10,000 random, well-formed cookies cost
 * at most the configured lookups a second, and repeating one costs nothing.
 */
@Tag(TestBackend.OWN_DATABASE)
class UnknownSessionCookiesCostBoundedStatementsTest {
  private static final int PER_SECOND = 20;

  @TempDir Path dir;

  @Test
  void tenThousandRandomCookiesCostABoundedNumberOfStatements() {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse node =
          cluster.start(
              Map.of("GATEHOUSE_SESSION_MISS_LOOKUPS_PER_SECOND", String.valueOf(PER_SECOND)));
      node.createUser("alice", "alice-password", "staff");
      node.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      node.settle();
      StoreMetrics metrics = node.gatehouse().store().metrics();
      SecureRandom random = new SecureRandom();
      AtomicInteger signedIn = new AtomicInteger();
      try (Proxy proxy = new Proxy(node)) {
        long reads = metrics.readStatements();
        long started = System.nanoTime();
        IntStream.range(0, 10_000)
            .parallel()
            .forEach(
                i -> {
                  byte[] bytes = new byte[32];
                  random.nextBytes(bytes);
                  String cookie =
                      "gh_session=" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                  int status =
                      proxy
                          .forwardAuth("GET", "https://wiki.example.test/", "Cookie", cookie)
                          .statusCode();
                  if (status != 401) {
                    signedIn.incrementAndGet();
                  }
                });
        double seconds = (System.nanoTime() - started) / 1e9;
        long statements = metrics.readStatements() - reads;
        assertThat(signedIn).hasValue(0);
        // Each started second allows PER_SECOND lookups of one statement each.
        assertThat(statements)
            .as("%d statements in %.1f s", statements, seconds)
            .isLessThanOrEqualTo((long) Math.ceil(seconds + 1) * PER_SECOND);
        assertThat(statements).as("lookups happen at all").isPositive();

        // One cookie asked again and again: looked up once, then remembered as unknown.
        String repeated = "gh_session=" + "A".repeat(43);
        long before = metrics.readStatements();
        for (int i = 0; i < 200; i++) {
          assertThat(
                  proxy
                      .forwardAuth("GET", "https://wiki.example.test/", "Cookie", repeated)
                      .statusCode())
              .isEqualTo(401);
        }
        assertThat(metrics.readStatements() - before).isLessThanOrEqualTo(1);
      }
    }
  }
}
