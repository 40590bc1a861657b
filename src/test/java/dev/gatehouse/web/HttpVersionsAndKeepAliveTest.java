package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.0 and HTTP/1.1, with and without keep-alive, over raw sockets with no proxy in between: a
 * route answered on the event loop (health) and one answered on a virtual thread (the sign-in page)
 * on the main port, and a forward-auth decision on the {@code [forward_auth] listen} port. nginx's
 * {@code proxy_pass} speaks HTTP/1.0 and closes after each request unless told otherwise; other
 * proxies keep HTTP/1.1 connections open. Each gets a well-formed answer in its own version and the
 * connection handling it asked for. A request to switch to HTTP/2 (h2c) is not followed: a proxy
 * that passes {@code Upgrade} on (Caddy does) would otherwise make the connection a tunnel from the
 * client straight to Gatehouse.
 */
class HttpVersionsAndKeepAliveTest {
  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    gh.createApp(
        "{\"name\":\"open\",\"hosts\":[\"open.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"public\"}]}");
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  /** A GET of {@code target} with {@code headers} on one listener. */
  record Target(String name, ToIntFunction<TestGatehouse> port, String target, String headers) {
    String request(String version, String extraHeaders) {
      return "GET "
          + target
          + " "
          + version
          + "\r\nHost: gatehouse\r\n"
          + headers
          + extraHeaders
          + "\r\n";
    }

    RawHttp connect() {
      return RawHttp.connect(port.applyAsInt(gh));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Target> targets() {
    return Stream.of(
        new Target("health on the main port", g -> g.gatehouse().port(), "/health/live", ""),
        new Target("sign-in page on the main port", g -> g.gatehouse().port(), "/login", ""),
        new Target(
            "forward-auth on the dedicated port",
            g -> g.gatehouse().forwardAuthPort(),
            "/api/authz/forward-auth",
            "X-Forwarded-Method: GET\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: open.example.test\r\nX-Forwarded-Uri: /\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void http10IsAnsweredInHttp10AndTheConnectionCloses(Target target) {
    try (RawHttp connection = target.connect()) {
      RawHttp.Answer answer = connection.exchange(target.request("HTTP/1.0", ""));

      assertThat(answer.version()).isEqualTo("HTTP/1.0");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("connection")).isNotEqualToIgnoringCase("keep-alive");
      assertThat(connection.closedWithin(5_000)).as("closed after the answer").isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void http10WithKeepAliveStaysOpenForTheNextRequest(Target target) {
    try (RawHttp connection = target.connect()) {
      for (int i = 1; i <= 2; i++) {
        RawHttp.Answer answer =
            connection.exchange(target.request("HTTP/1.0", "Connection: keep-alive\r\n"));

        assertThat(answer.version()).as("request %d", i).isEqualTo("HTTP/1.0");
        assertThat(answer.status()).as("request %d", i).isEqualTo(200);
        assertThat(answer.header("connection")).isEqualToIgnoringCase("keep-alive");
        assertThat(answer.header("content-length")).isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void http11KeepsTheConnectionOpenForTheNextRequest(Target target) {
    try (RawHttp connection = target.connect()) {
      for (int i = 1; i <= 2; i++) {
        RawHttp.Answer answer = connection.exchange(target.request("HTTP/1.1", ""));

        assertThat(answer.version()).as("request %d", i).isEqualTo("HTTP/1.1");
        assertThat(answer.status()).as("request %d", i).isEqualTo(200);
        assertThat(answer.header("connection")).isNotEqualToIgnoringCase("close");
      }
    }
  }

  /** RFC 9110 §6.6.1: an origin server with a clock dates every answer, refusals included. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void everyAnswerIsDated(Target target) {
    try (RawHttp connection = target.connect()) {
      RawHttp.Answer answer = connection.exchange(target.request("HTTP/1.1", ""));
      RawHttp.Answer refused = connection.exchange("GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n");

      for (RawHttp.Answer each : List.of(answer, refused)) {
        Instant date =
            ZonedDateTime.parse(each.header("date"), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
        assertThat(Duration.between(date, Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void http11ConnectionCloseIsHonoured(Target target) {
    try (RawHttp connection = target.connect()) {
      RawHttp.Answer answer =
          connection.exchange(target.request("HTTP/1.1", "Connection: close\r\n"));

      assertThat(answer.version()).isEqualTo("HTTP/1.1");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
      assertThat(connection.closedWithin(5_000)).as("closed after the answer").isTrue();
    }
  }

  /** {@code Upgrade: h2c} is answered in HTTP/1.1 as if it were absent, never with {@code 101}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void anUpgradeToHttp2IsNotFollowed(Target target) {
    try (RawHttp connection = target.connect()) {
      for (int i = 1; i <= 2; i++) {
        RawHttp.Answer answer =
            connection.exchange(
                target.request(
                    "HTTP/1.1",
                    "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                        + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n"));

        assertThat(answer.version()).as("request %d", i).isEqualTo("HTTP/1.1");
        assertThat(answer.status()).as("request %d", i).isEqualTo(200);
        assertThat(answer.header("upgrade")).isNull();
      }
    }
  }

  /**
   * HTTP/2 with prior knowledge is not spoken either: its connection preface is refused in HTTP/1.x
   * text (Vert.x echoes the version: {@code HTTP/2.0 501}), not with HTTP/2 frames, and closed.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void http2WithPriorKnowledgeIsNotSpoken(Target target) {
    try (RawHttp connection = target.connect()) {
      RawHttp.Answer answer = connection.exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

      assertThat(answer.status()).isBetween(400, 599);
      assertThat(connection.closedWithin(5_000)).as("closed after the answer").isTrue();
    }
  }
}
