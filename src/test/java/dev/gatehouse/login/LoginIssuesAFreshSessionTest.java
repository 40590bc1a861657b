package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginIssuesAFreshSessionTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  private static String sessionCookie(HttpResponse<String> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("gh_session="))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachLoginGetsANewSessionIdAndTheOldOneStopsWorking() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      // A session id planted before sign-in is not adopted.
      browser.setCookie("gh_session", "planted-by-an-attacker");
      HttpResponse<String> first = browser.login("alice", "alice-password");
      assertThat(first.statusCode()).isEqualTo(303);
      assertThat(first.headers().firstValue("Location")).hasValue("/account");
      String old = browser.cookie("gh_session");
      assertThat(old).isNotEqualTo("planted-by-an-attacker");

      assertThat(browser.login("alice", "alice-password").statusCode()).isEqualTo(303);
      String fresh = browser.cookie("gh_session");

      assertThat(fresh).isNotEqualTo(old);
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", "gh_session=" + old).statusCode())
          .isEqualTo(401);
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", "gh_session=" + fresh).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void wrongPasswordGivesNoSession() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      HttpResponse<String> wrong = browser.login("alice", "not-her-password");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("Wrong username or password.");
      assertThat(browser.login("nobody", "whatever").statusCode()).isEqualTo(401);
      assertThat(browser.cookie("gh_session")).isNull();
    }
  }

  @Test
  void sessionCookieIsHttpOnlyLaxAndHostOnlyOnPlainHttp() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      String cookie = sessionCookie(browser.login("alice", "alice-password"));
      assertThat(cookie).contains("; HttpOnly").contains("; SameSite=Lax").contains("; Path=/");
      assertThat(cookie).doesNotContain("Secure").doesNotContain("Domain=");
    }
  }

  @Test
  void sessionCookieIsSecureAndSharedUnderTheCookieDomainOnHttps() {
    try (TestGatehouse gh =
            TestGatehouse.start(
                dir,
                Map.of(
                    "GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.test",
                    "GATEHOUSE_SESSION_COOKIE_DOMAIN", "example.test"));
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      String cookie = sessionCookie(browser.login("alice", "alice-password"));
      assertThat(cookie)
          .contains("; HttpOnly")
          .contains("; SameSite=Lax")
          .contains("; Secure")
          .contains("; Domain=example.test");
      try (Browser fresh = new Browser(gh)) {
        // Over https the pre-session CSRF cookie is __Host-: host-only, Secure, Path=/, so that
        // no sibling host under the cookie domain can set or shadow it.
        String csrf =
            fresh.get("/login").headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("__Host-gh_csrf="))
                .findFirst()
                .orElseThrow();
        assertThat(csrf).doesNotContain("Domain=").contains("; Path=/", "; Secure", "; HttpOnly");
      }
    }
  }
}
