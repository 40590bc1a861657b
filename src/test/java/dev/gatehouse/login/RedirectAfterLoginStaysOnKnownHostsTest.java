package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rd} is followed only to the portal (its scheme and port) or a configured app host over
 * https; every open-redirect trick, and any other host under the cookie domain, is dropped and the
 * browser lands on its account page.
 */
class RedirectAfterLoginStaysOnKnownHostsTest {
  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh =
        TestGatehouse.start(
            dir,
            Map.of(
                "GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.corp.test",
                "GATEHOUSE_SESSION_COOKIE_DOMAIN", "corp.test"));
    gh.createUser("alice", "alice-password");
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"app.example.test\",\"*.apps.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  private static String landing(String rd) {
    try (Browser browser = new Browser(gh)) {
      var response =
          browser.submit(
              "/login", Map.of("username", "alice", "password", "alice-password", "rd", rd));
      assertThat(response.statusCode()).isEqualTo(303);
      return response.headers().firstValue("Location").orElseThrow();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://app.example.test/page?x=1",
        "https://APP.example.test/",
        "https://team.apps.example.test/board",
        "https://auth.corp.test/account",
        "/account",
        "/pair?code=ABCD-EFGH"
      })
  void knownTargetsAreFollowed(String rd) {
    assertThat(landing(rd)).isEqualTo(rd);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.com",
        "http://app.example.test/",
        "https://corp.test/",
        "https://intranet.corp.test/",
        "http://auth.corp.test/account",
        "https://auth.corp.test:8443/account",
        "https://evil.com/app.example.test",
        "//evil.com",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "/\n/evil.com",
        " //evil.com",
        "https://evil.com@app.example.test/",
        "https://app.example.test@evil.com/",
        "https://app.example.test:x@evil.com/",
        "https://evil.com\\@app.example.test/",
        "https://evil.com#@app.example.test",
        "https://app.example.test.evil.com/",
        "https://evilcorp.test/",
        "https://apps.example.test.evil.com/",
        "https:evil.com",
        "https:/evil.com",
        "javascript:alert(1)",
        "JavaScript://app.example.test/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://app.example.test/",
        "file:///etc/passwd",
        "mailto:alice@app.example.test"
      })
  void openRedirectAttemptsAreDropped(String rd) {
    assertThat(landing(rd)).isEqualTo("/account");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.com", "//evil.com", "javascript:alert(1)"})
  void theLoginPageDoesNotCarryADroppedTarget(String rd) {
    try (Browser browser = new Browser(gh)) {
      String page =
          browser
              .get(
                  "/login?rd="
                      + java.net.URLEncoder.encode(rd, java.nio.charset.StandardCharsets.UTF_8))
              .body();
      assertThat(page).contains("name=\"rd\" value=\"\"");
    }
  }
}
