package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.header_timeout_ms}: a request's headers must arrive within it of the connection
 * opening or of the request's first byte, on every listener; a connection that sends nothing, or
 * dribbles its headers, is closed. A kept-alive connection is held to it again for its next
 * request, and between requests only the idle timeout applies. A body is not held to it while the
 * route reads it, but once the request is answered the rest of its body must arrive within it.
 */
class SilentAndDribblingConnectionsAreClosedAfterTheHeaderTimeoutTest {
  private static final long TIMEOUT_MS = 500;
  private static final byte[] DRIBBLE =
      "GET /health/ready HTTP/1.1\r\nHost: test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1);

  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of("GATEHOUSE_SERVER_HEADER_TIMEOUT_MS", Long.toString(TIMEOUT_MS))));
  }

  @AfterAll
  static void stop() {
    if (gh != null) {
      gh.close();
    }
  }

  private static int[] ports() {
    return new int[] {
      gh.gatehouse().port(), gh.gatehouse().forwardAuthPort(), gh.gatehouse().metricsPort()
    };
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheTimeoutOnEveryListener() {
    for (int port : ports()) {
      try (RawHttp silent = RawHttp.connect(port)) {
        long start = System.nanoTime();
        assertThat(silent.closedWithin(5_000))
            .as("port %d closes a silent connection", port)
            .isTrue();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).as("port %d", port).isBetween(TIMEOUT_MS - 100, TIMEOUT_MS + 2_000);
      }
    }
  }

  @Test
  void aConnectionThatDribblesItsHeadersIsClosedOnEveryListener() throws InterruptedException {
    for (int port : ports()) {
      try (RawHttp slow = RawHttp.connect(port)) {
        long start = System.nanoTime();
        int sent = slow.dribble(DRIBBLE, 200);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(sent).as("port %d closes a dribbling connection", port).isNotNegative();
        assertThat(sent).as("bytes sent before the close").isLessThan(DRIBBLE.length);
        assertThat(elapsedMs).as("port %d", port).isLessThan(TIMEOUT_MS + 2_000);
      }
    }
  }

  @Test
  void aQuickRequestIsAnsweredAndTheNextOneOnTheSameConnectionIsHeldToTheTimeoutAgain()
      throws InterruptedException {
    for (String path : new String[] {"/health/ready", "/login", "/nowhere"}) {
      try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
        assertThat(conn.get(path).status()).as(path).isIn(200, 404);
        // Idle between requests longer than the header timeout: only the idle timeout applies.
        Thread.sleep(TIMEOUT_MS * 2);
        assertThat(conn.get("/health/ready").status()).as("after %s", path).isEqualTo(200);
        // The next request dribbles: closed again.
        long start = System.nanoTime();
        int sent = conn.dribble(DRIBBLE, 200);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(sent).as("a dribbled second request after %s is cut off", path).isNotNegative();
        assertThat(elapsedMs).isLessThan(TIMEOUT_MS + 2_000);
      }
    }
  }

  @Test
  void theStartOfANextRequestSentWithAWholeOneMustBeFinishedInTimeToo() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      // One write: a whole request and the first bytes of the next, which never ends.
      RawHttp.Answer first =
          conn.exchange(
              "GET /health/ready HTTP/1.1\r\nHost: test\r\n\r\n"
                  + "GET /health/ready HTTP/1.1\r\nHost: test\r\nX-Never: ends");
      assertThat(first.status()).isEqualTo(200);
      assertThat(conn.closedWithin(TIMEOUT_MS + 2_000))
          .as("the half-sent second request is cut off")
          .isTrue();
    }
  }

  @Test
  void aBodyThatTricklesOnAfterItsAnswerIsCutOff() throws InterruptedException {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      // Answered at once (405), long before its announced body has arrived.
      RawHttp.Answer answer =
          conn.exchange(
              "POST /health/ready HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n");
      assertThat(answer.status()).isEqualTo(405);
      long start = System.nanoTime();
      int sent = conn.dribble(new byte[100], 200);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(sent).as("the trickling body is cut off").isNotNegative();
      assertThat(elapsedMs).isLessThan(TIMEOUT_MS + 2_000);
    }
  }

  private static String slowUser(String name) {
    return "{\"username\":\""
        + name
        + "\",\"email\":\""
        + name
        + "@example.test\",\"display_name\":\"Slow Upload\","
        + "\"password\":\"a-long-enough-password\"}";
  }

  private static String createUserHead(String body) {
    return "POST /api/admin/users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer "
        + TestGatehouse.API_KEY
        + "\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n";
  }

  @Test
  void aSlowBodyPipelinedBehindAnAnsweredRequestIsStillRead() throws InterruptedException {
    String body = slowUser("slow-pipelined");
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      // The first request (answered on a virtual thread, after the second one's headers are read)
      // is answered while the second one's body is still coming.
      conn.send("GET /login HTTP/1.1\r\nHost: test\r\n\r\n" + createUserHead(body));
      int half = body.length() / 2;
      conn.send(body.substring(0, half));
      Thread.sleep(TIMEOUT_MS * 2);
      assertThat(conn.exchange(body.substring(half)).status()).isEqualTo(200);
      assertThat(conn.read().status()).isEqualTo(201);
    }
  }

  @Test
  void aBodyThatTakesLongerThanTheHeaderTimeoutIsStillReadBeforeTheAnswer()
      throws InterruptedException {
    String body = slowUser("slow-upload");
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      conn.send(createUserHead(body));
      int third = body.length() / 3;
      conn.send(body.substring(0, third));
      Thread.sleep(TIMEOUT_MS);
      conn.send(body.substring(third, 2 * third));
      Thread.sleep(TIMEOUT_MS);
      RawHttp.Answer answer = conn.exchange(body.substring(2 * third));
      assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }
  }

  @Test
  void aRequestWhoseHeadersArriveInTimeIsAnsweredEvenWhenSentInPieces()
      throws InterruptedException {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      conn.send("GET /health/ready HTTP/1.1\r\n");
      Thread.sleep(TIMEOUT_MS / 5);
      conn.send("Host: test\r\n");
      Thread.sleep(TIMEOUT_MS / 5);
      RawHttp.Answer answer = conn.exchange("\r\n");
      assertThat(answer.status()).isEqualTo(200);
    }
  }
}
