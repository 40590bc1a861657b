package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request over a size limit is answered with its 4xx, never dropped without a word: headers over
 * {@code max_header_bytes} → 431, a request line over {@code max_request_line_bytes} → 414 (both on
 * every listener, as JSON, or as a page when the client asks for HTML), a form body over {@code
 * max_form_bytes} → 413 as the portal's page, a JSON body over {@code max_json_bytes} → 413 JSON.
 * Just under each limit the request goes through.
 */
class OversizedRequestsAreAnsweredInTheRouteShapeTest {
  private static final int MAX_HEADER = 8192;
  private static final int MAX_LINE = 4096;
  private static final int MAX_FORM = 1024;
  private static final int MAX_JSON = 2048;

  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of(
                    "GATEHOUSE_SERVER_MAX_HEADER_BYTES", Integer.toString(MAX_HEADER),
                    "GATEHOUSE_SERVER_MAX_REQUEST_LINE_BYTES", Integer.toString(MAX_LINE),
                    "GATEHOUSE_SERVER_MAX_FORM_BYTES", Integer.toString(MAX_FORM),
                    "GATEHOUSE_SERVER_MAX_JSON_BYTES", Integer.toString(MAX_JSON))));
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

  private static JsonNode json(RawHttp.Answer answer) {
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    try {
      return Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + answer.body(), e);
    }
  }

  private static void assertPage(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("text/html");
    assertThat(answer.body()).contains("<html").contains(Integer.toString(status));
  }

  private static String filler(int bytes) {
    return "a".repeat(bytes);
  }

  /**
   * A GET whose header block is about {@code bytes}, most of them in one cookie, as a browser sends
   * it (Accept first, the cookie last).
   */
  private static String getWithHeaders(String path, int bytes, String accept) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: test\r\n"
        + (accept == null ? "" : "Accept: " + accept + "\r\n")
        + "Accept-Language: en\r\n"
        + "Cookie: c="
        + filler(bytes)
        + "\r\n\r\n";
  }

  @Test
  void headersOverTheLimitAre431AsJsonOnEveryListener() {
    for (int port : ports()) {
      try (RawHttp conn = RawHttp.connect(port)) {
        RawHttp.Answer answer =
            conn.exchange(getWithHeaders("/health/ready", MAX_HEADER + 100, null));
        assertThat(answer.status()).as("port %d", port).isEqualTo(431);
        JsonNode body = json(answer);
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).contains("max_header_bytes");
      }
    }
  }

  @Test
  void headersOverTheLimitAre431AsAPageForABrowser() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      assertPage(
          conn.exchange(
              getWithHeaders("/login", MAX_HEADER + 100, "text/html,application/xhtml+xml")),
          431);
    }
  }

  @Test
  void headersJustUnderTheLimitAreServed() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      assertThat(conn.exchange(getWithHeaders("/health/ready", MAX_HEADER - 200, null)).status())
          .isEqualTo(200);
    }
  }

  /** No header is read past a request line over the limit: the answer is JSON for everyone. */
  @Test
  void aRequestLineOverTheLimitIs414OnEveryListener() {
    String request =
        "GET /health/ready?x=" + filler(MAX_LINE + 100) + " HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int port : ports()) {
      try (RawHttp conn = RawHttp.connect(port)) {
        RawHttp.Answer answer = conn.exchange(request);
        assertThat(answer.status()).as("port %d", port).isEqualTo(414);
        JsonNode body = json(answer);
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.get("message").asText()).contains("max_request_line_bytes");
      }
    }
  }

  @Test
  void aRequestLineJustUnderTheLimitIsServed() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      String line = "GET /health/ready?x=" + filler(MAX_LINE - 200) + " HTTP/1.1";
      assertThat(conn.exchange(line + "\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
    }
  }

  /** A POST; {@code chunk} 0 sends Content-Length, else chunks of that size. */
  private static String post(String path, String type, String body, int chunk) {
    StringBuilder request =
        new StringBuilder("POST ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: test\r\nContent-Type: ")
            .append(type)
            .append("\r\nAuthorization: Bearer ")
            .append(TestGatehouse.API_KEY)
            .append("\r\n");
    if (chunk > 0) {
      request.append("Transfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < body.length(); i += chunk) {
        String part = body.substring(i, Math.min(body.length(), i + chunk));
        request.append(Integer.toHexString(part.length())).append("\r\n").append(part);
        request.append("\r\n");
      }
      request.append("0\r\n\r\n");
    } else {
      request.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
    }
    return request.toString();
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  /** With Content-Length, in small chunks, and in one chunk bigger than the parser's pieces. */
  private static final int[] CHUNKS = {0, 500, 64 * 1024};

  @Test
  void aFormBodyOverTheLimitIs413AsThePortalsPage() {
    for (int chunk : CHUNKS) {
      for (int size : new int[] {MAX_FORM + 100, 40_000}) {
        try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
          String body = "username=u&password=" + filler(size);
          RawHttp.Answer answer = conn.exchange(post("/login", FORM, body, chunk));
          assertThat(answer.status()).as("chunk %d, size %d", chunk, size).isEqualTo(413);
          assertPage(answer, 413);
        }
      }
    }
  }

  @Test
  void aFormBodyUnderTheLimitReachesTheRoute() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      String body = "username=u&password=" + filler(MAX_FORM - 100);
      // Past the size check: the portal's own answer (no CSRF token), not 413.
      assertThat(conn.exchange(post("/login", FORM, body, 0)).status()).isNotEqualTo(413);
    }
  }

  @Test
  void aJsonBodyOverTheLimitIs413AsJson() {
    for (int chunk : CHUNKS) {
      try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
        String body = "{\"username\":\"" + filler(MAX_JSON + 100) + "\"}";
        RawHttp.Answer answer =
            conn.exchange(post("/api/admin/users", "application/json", body, chunk));
        assertThat(answer.status()).as("chunk %d", chunk).isEqualTo(413);
        JsonNode json = json(answer);
        assertThat(json.get("error").asText()).isEqualTo("invalid_request");
        assertThat(json.get("message").asText()).contains("max_json_bytes");
      }
    }
  }

  @Test
  void aJsonBodyUnderTheLimitReachesTheRoute() {
    try (RawHttp conn = RawHttp.connect(gh.gatehouse().port())) {
      String body =
          "{\"username\":\"under-limit\",\"email\":\"under@example.test\",\"display_name\":\""
              + filler(MAX_JSON - 200)
              + "\",\"password\":\"a-long-enough-password\"}";
      RawHttp.Answer answer = conn.exchange(post("/api/admin/users", "application/json", body, 0));
      assertThat(answer.status()).as(answer.body()).isNotEqualTo(413);
      assertThat(json(answer)).isNotNull();
    }
  }
}
