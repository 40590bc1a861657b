package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_connections_per_address} and {@code max_connections}: the connection past a cap is
 * closed at once, without an answer, while those already open keep being served; a slot freed by a
 * close is taken again. Trusted proxies are exempt from the per-address cap (their clients all
 * share their address), not from the total one. Each refusal is counted in {@code
 * gatehouse_http_connections_refused_total}.
 *
 * <p>Every connection comes from loopback: 127.0.0.1 and, for distinct peers, other addresses of
 * 127.0.0.0/8, which Linux routes to the loopback interface too.
 */
class ConnectionsPastTheCapsAreClosedAtOnceTest {
  private static final int PER_ADDRESS = 3;
  private static final int TOTAL = 16;

  @TempDir Path dir;

  /**
   * Scrapes one metric on a connection of its own from {@code from}, closed after; retried while
   * that connection is itself refused (the server has not yet counted earlier closes).
   */
  private static double metric(TestGatehouse gh, String name, String from)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    RawHttp.Answer answer;
    while (true) {
      try (RawHttp conn = RawHttp.connect(gh.gatehouse().metricsPort(), from)) {
        answer = conn.exchange("GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        break;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
    assertThat(answer.status()).isEqualTo(200);
    for (String line : answer.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " not in " + answer.body());
  }

  /** Opens a connection from {@code from} and has one request answered on it, kept alive. */
  private static RawHttp served(int port, String from) {
    RawHttp conn = RawHttp.connect(port, from);
    assertThat(conn.get("/health/ready").status()).as("from %s", from).isEqualTo(200);
    return conn;
  }

  /** A new connection from {@code from} is served, once the server has counted earlier closes. */
  private static void eventuallyServed(int port, String from) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try (RawHttp conn = RawHttp.connect(port, from)) {
        conn.send("GET /health/ready HTTP/1.1\r\nHost: test\r\n\r\n");
        assertThat(conn.read().status()).isEqualTo(200);
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Closes {@code connections} and waits until the server counts them closed. */
  private static void closeAll(TestGatehouse gh, List<RawHttp> connections, String scraper)
      throws InterruptedException {
    connections.forEach(RawHttp::close);
    connections.clear();
    long deadline = System.nanoTime() + 5_000_000_000L;
    // The scrape's own connection is open while it is counted.
    while (metric(gh, "gatehouse_http_connections", scraper) > 1) {
      assertThat(System.nanoTime()).as("connections counted closed in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void pastEitherCapTheNewConnectionIsClosedAndTheOpenOnesAreStillServed()
      throws InterruptedException {
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of(
                    "GATEHOUSE_SERVER_TRUSTED_PROXIES", "",
                    "GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(PER_ADDRESS),
                    "GATEHOUSE_SERVER_MAX_CONNECTIONS", Integer.toString(TOTAL))))) {
      int main = gh.gatehouse().port();
      int forwardAuth = gh.gatehouse().forwardAuthPort();
      String scraper = "127.0.0.250";
      double refusedBefore = metric(gh, "gatehouse_http_connections_refused_total", scraper);
      List<RawHttp> open = new ArrayList<>();

      // Per address: the cap counts connections to every listener together.
      open.add(served(main, "127.0.0.1"));
      open.add(served(main, "127.0.0.1"));
      try (RawHttp third = RawHttp.connect(forwardAuth, "127.0.0.1")) {
        assertThat(third.exchange("GET /nowhere HTTP/1.1\r\nHost: test\r\n\r\n").status())
            .isEqualTo(404);
        try (RawHttp fourth = RawHttp.connect(main, "127.0.0.1")) {
          assertThat(fourth.closedWithin(2_000)).as("connection %d from one address", 4).isTrue();
        }
        try (RawHttp fifth = RawHttp.connect(forwardAuth, "127.0.0.1")) {
          assertThat(fifth.closedWithin(2_000)).as("on the other listener too").isTrue();
        }
        // Another address is not affected, and the open ones are still served.
        open.add(served(main, "127.0.0.2"));
        for (RawHttp conn : open) {
          assertThat(conn.get("/health/ready").status()).isEqualTo(200);
        }
      }
      // The slot the third one held is free again.
      eventuallyServed(main, "127.0.0.1");
      closeAll(gh, open, scraper);

      // In total: 16, spread over addresses, each under its own cap.
      for (int i = 0; i < TOTAL; i++) {
        open.add(served(main, "127.0.1." + (1 + i / PER_ADDRESS)));
      }
      try (RawHttp past = RawHttp.connect(main, "127.0.2.1")) {
        assertThat(past.closedWithin(2_000)).as("connection %d in all", TOTAL + 1).isTrue();
      }
      for (RawHttp conn : open) {
        assertThat(conn.get("/health/ready").status()).isEqualTo(200);
      }
      open.removeFirst().close();
      eventuallyServed(main, "127.0.2.1");
      closeAll(gh, open, scraper);

      // 3 refused at least (fourth, fifth, past); eventuallyServed may have been refused more.
      double refusedAfter = metric(gh, "gatehouse_http_connections_refused_total", scraper);
      assertThat(refusedAfter - refusedBefore).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aTrustedProxyIsNotHeldToThePerAddressCap() throws InterruptedException {
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of(
                    "GATEHOUSE_SERVER_MAX_CONNECTIONS_PER_ADDRESS",
                    Integer.toString(PER_ADDRESS))))) {
      // Default trusted_proxies include 127.0.0.0/8: a local reverse proxy.
      String scraper = "127.0.0.250";
      List<RawHttp> open = new ArrayList<>();
      try {
        for (int i = 0; i < PER_ADDRESS * 4; i++) {
          open.add(served(gh.gatehouse().port(), "127.0.0.1"));
        }
        for (RawHttp conn : open) {
          assertThat(conn.get("/health/ready").status()).isEqualTo(200);
        }
        assertThat(metric(gh, "gatehouse_http_connections", "127.0.0.1"))
            .isGreaterThanOrEqualTo(PER_ADDRESS * 4 + 1);
        assertThat(metric(gh, "gatehouse_http_connections_refused_total", "127.0.0.1")).isZero();
      } finally {
        closeAll(gh, open, scraper);
      }
    }
  }
}
