package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever a proxy (or someone talking to Gatehouse directly) sends, the answer is never 5xx. */
class MalformedForwardedHeadersAreBadRequestTest {
  @TempDir static Path dir;
  static TestGatehouse gh;
  static Proxy proxy;
  static Proxy dedicated;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    proxy = new Proxy(gh);
    dedicated = Proxy.onForwardAuthListener(gh);
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"public\"}]}");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    dedicated.close();
    gh.close();
  }

  /** A well-formed forward-auth request with one header replaced (null value: left out). */
  private static Arguments forward(String description, String name, String value) {
    return Arguments.of(description, "/api/authz/forward-auth", forwardHeaders(name, value));
  }

  private static List<String> forwardHeaders(String name, String value) {
    List<String> headers =
        new ArrayList<>(
            List.of(
                "X-Forwarded-Method", "GET",
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "wiki.example.test",
                "X-Forwarded-Uri", "/page"));
    int at = headers.indexOf(name);
    if (at >= 0) {
      headers.remove(at);
      headers.remove(at);
    }
    if (value != null) {
      headers.add(name);
      headers.add(value);
    }
    return headers;
  }

  private static Arguments original(String description, String... headers) {
    return Arguments.of(description, "/api/authz/auth-request", List.of(headers));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("no headers at all", "/api/authz/forward-auth", List.of()),
        forward("no method", "X-Forwarded-Method", null),
        forward("no proto", "X-Forwarded-Proto", null),
        forward("no host", "X-Forwarded-Host", null),
        forward("no uri", "X-Forwarded-Uri", null),
        forward("empty method", "X-Forwarded-Method", ""),
        forward("method with a space", "X-Forwarded-Method", "GE T"),
        forward("method with punctuation", "X-Forwarded-Method", "GET<script>"),
        forward("very long method", "X-Forwarded-Method", "G".repeat(40)),
        forward("unknown scheme", "X-Forwarded-Proto", "ftp"),
        forward("javascript scheme", "X-Forwarded-Proto", "javascript"),
        forward("empty proto", "X-Forwarded-Proto", ""),
        forward("empty host", "X-Forwarded-Host", ""),
        forward("host with a path", "X-Forwarded-Host", "wiki.example.test/evil"),
        forward("host with userinfo", "X-Forwarded-Host", "evil@wiki.example.test"),
        forward("host with a space", "X-Forwarded-Host", "wiki example.test"),
        forward("host with a query", "X-Forwarded-Host", "wiki.example.test?x"),
        forward("host with a fragment", "X-Forwarded-Host", "wiki.example.test#x"),
        forward("host with a backslash", "X-Forwarded-Host", "wiki.example.test\\evil"),
        forward("very long host", "X-Forwarded-Host", "a".repeat(300) + ".example.test"),
        forward("relative uri", "X-Forwarded-Uri", "page"),
        forward("empty uri", "X-Forwarded-Uri", ""),
        forward("absolute uri", "X-Forwarded-Uri", "https://evil.test/"),
        forward("uri with a space", "X-Forwarded-Uri", "/a b"),
        forward("dot-dot segment", "X-Forwarded-Uri", "/public/../admin"),
        forward("encoded dot-dot segment", "X-Forwarded-Uri", "/public/%2e%2E/admin"),
        forward("dot segment", "X-Forwarded-Uri", "/./admin"),
        forward("trailing dot-dot segment", "X-Forwarded-Uri", "/public/.."),
        forward("trailing encoded dot segment", "X-Forwarded-Uri", "/public/%2E"),
        forward("half-encoded dot-dot segment", "X-Forwarded-Uri", "/public/.%2e/admin"),
        forward("dot-dot before a query", "X-Forwarded-Uri", "/public/..?x=1"),
        forward("X-Forwarded-For not an address", "X-Forwarded-For", "not-an-ip"),
        forward("X-Forwarded-For a hostname", "X-Forwarded-For", "localhost"),
        forward("X-Forwarded-For empty last entry", "X-Forwarded-For", "10.0.0.1,"),
        forward("X-Forwarded-For garbage last entry", "X-Forwarded-For", "10.0.0.1, 10.0.0.x"),
        forward("X-Forwarded-For with a port", "X-Forwarded-For", "10.0.0.1:443"),
        forward("X-Forwarded-For empty", "X-Forwarded-For", ""),
        original("no X-Original-URL"),
        original("relative X-Original-URL", "X-Original-URL", "/page"),
        original("unparseable X-Original-URL", "X-Original-URL", "http://wiki example.test/"),
        original("X-Original-URL without host", "X-Original-URL", "https:///page"),
        original("X-Original-URL opaque", "X-Original-URL", "mailto:alice@example.test"),
        original("X-Original-URL ftp", "X-Original-URL", "ftp://wiki.example.test/"),
        original("X-Original-URL with userinfo", "X-Original-URL", "https://u@wiki.example.test/"),
        original("X-Original-URL unclosed bracket", "X-Original-URL", "https://[::1/"),
        original(
            "X-Original-URL with dot-dot", "X-Original-URL", "https://wiki.example.test/a/../b"),
        original(
            "bad X-Original-Method",
            "X-Original-URL",
            "https://wiki.example.test/",
            "X-Original-Method",
            "GE T"),
        original(
            "bad X-Forwarded-For on auth-request",
            "X-Original-URL",
            "https://wiki.example.test/",
            "X-Forwarded-For",
            "nope"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isAnsweredWith400(String description, String path, List<String> headers) {
    assertThat(proxy.raw(path, headers).statusCode()).as(description).isEqualTo(400);
    assertThat(dedicated.raw(path, headers).statusCode()).as(description).isEqualTo(400);
  }

  /** Dots inside a name, or in the query, are no dot segments: such paths are decided as usual. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/.well-known/openid-configuration",
        "/a/.../b",
        "/a..b/c.",
        "/%2e%2e%2e/",
        "/a?p=../b"
      })
  void dotsThatAreNoSegmentPassThrough(String uri) {
    List<String> headers = forwardHeaders("X-Forwarded-Uri", uri);
    assertThat(proxy.raw("/api/authz/forward-auth", headers).statusCode()).as(uri).isEqualTo(200);
    assertThat(dedicated.raw("/api/authz/forward-auth", headers).statusCode())
        .as(uri)
        .isEqualTo(200);
  }
}
