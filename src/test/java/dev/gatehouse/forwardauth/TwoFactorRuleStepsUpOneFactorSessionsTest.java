package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code two_factor} rule lets a one-factor session through nowhere: a page load is sent to the
 * step-up page (not to a new sign-in) and comes back to the very URL after it; an API call is told
 * 401. The second factor is a real TOTP app (codes computed from the key the enrolment page shows),
 * each code good once; a recovery code works once.
 */
class TwoFactorRuleStepsUpOneFactorSessionsTest {
  private static final String ADMIN_PAGE = "https://wiki.example.test/admin/settings?tab=2";
  private static final String HTML = "text/html,application/xhtml+xml";
  @TempDir Path dir;

  @Test
  void oneFactorSessionIsSteppedUpByTotpAndComesBackToTheSameUrl() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/admin","policy":"two_factor"},
            {"path":"/","policy":"authenticated"}]}""");
      assertThat(alice.login("alice", "alice-password").statusCode()).isEqualTo(303);
      String oneFactor = alice.cookie("gh_session");

      assertThat(status(proxy, "https://wiki.example.test/", alice, null)).isEqualTo(200);
      HttpResponse<String> page =
          proxy.forwardAuth("GET", ADMIN_PAGE, "Cookie", alice.cookieHeader(), "Accept", HTML);
      assertThat(page.statusCode()).isEqualTo(302);
      assertThat(page.headers().firstValue("Location"))
          .hasValueSatisfying(
              l -> assertThat(l).endsWith("/login/verify?rd=" + encode(ADMIN_PAGE)));
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(401);

      // No factor yet: the step-up page sends her to set one up, and back afterwards.
      HttpResponse<String> verify = alice.get("/login/verify?rd=" + encode(ADMIN_PAGE));
      assertThat(verify.statusCode()).isEqualTo(303);
      assertThat(verify.headers().firstValue("Location"))
          .hasValue("/login/enrol?rd=" + encode(ADMIN_PAGE));
      AuthenticatorApp.Enrolled enrolled = AuthenticatorApp.enrol(alice, ADMIN_PAGE, clock);
      assertThat(enrolled.answer().statusCode()).isEqualTo(200);
      assertThat(enrolled.codes()).hasSize(10).doesNotHaveDuplicates();
      assertThat(enrolled.answer().body()).contains("href=\"" + ADMIN_PAGE.replace("&", "&amp;"));
      assertThat(alice.cookie("gh_session")).isNotEqualTo(oneFactor);
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(200);
      // The one-factor session ended with the step-up.
      assertThat(status(proxy, "https://wiki.example.test/", null, oneFactor)).isEqualTo(401);

      // A fresh password sign-in is one factor again; the app's code steps it up.
      clock.advance(Duration.ofSeconds(30));
      alice.login("alice", "alice-password");
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(401);
      HttpResponse<String> form = alice.get("/login/verify?rd=" + encode(ADMIN_PAGE));
      assertThat(form.statusCode()).isEqualTo(200);
      assertThat(form.body()).contains("Code from your authenticator app");
      HttpResponse<String> wrong =
          alice.submit(
              "/login/verify", Map.of("rd", ADMIN_PAGE, "method", "totp", "code", "000000"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      HttpResponse<String> right =
          alice.submit(
              "/login/verify",
              Map.of("rd", ADMIN_PAGE, "method", "totp", "code", enrolled.app().code()));
      assertThat(right.statusCode()).isEqualTo(303);
      assertThat(right.headers().firstValue("Location")).hasValue(ADMIN_PAGE);
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(200);

      // The same code again, in a new sign-in within its window: refused.
      alice.login("alice", "alice-password");
      alice.get("/login/verify");
      HttpResponse<String> replay =
          alice.submit(
              "/login/verify",
              Map.of("rd", "", "method", "totp", "code", enrolled.app().lastCode()));
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(401);

      // A recovery code works once.
      String recovery = enrolled.codes().get(3);
      alice.get("/login/verify");
      HttpResponse<String> used =
          alice.submit("/login/verify", Map.of("rd", "", "method", "recovery", "code", recovery));
      assertThat(used.statusCode()).isEqualTo(303);
      assertThat(status(proxy, ADMIN_PAGE, alice, null)).isEqualTo(200);
      alice.login("alice", "alice-password");
      alice.get("/login/verify");
      HttpResponse<String> again =
          alice.submit("/login/verify", Map.of("rd", "", "method", "recovery", "code", recovery));
      assertThat(again.statusCode()).isEqualTo(401);
      assertThat(again.body()).contains("That recovery code is not valid.");
    }
  }

  @Test
  void membershipIsCheckedBeforeAnyStepUp() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser bob = new Browser(gh)) {
      gh.createUser("bob", "bob-password");
      gh.createUser("carol", "carol-password", "ops");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"two_factor","groups":["ops"]}]}""");
      bob.login("bob", "bob-password");
      // Not in ops: a second factor would not help, so no step-up is offered.
      assertThat(
              proxy
                  .forwardAuth("GET", ADMIN_PAGE, "Cookie", bob.cookieHeader(), "Accept", HTML)
                  .statusCode())
          .isEqualTo(403);
      assertThat(status(proxy, ADMIN_PAGE, null, null)).isEqualTo(401);
    }
  }

  private static int status(Proxy proxy, String url, Browser browser, String session) {
    String cookie =
        browser != null ? browser.cookieHeader() : session == null ? "" : "gh_session=" + session;
    return cookie.isEmpty()
        ? proxy.forwardAuth("GET", url).statusCode()
        : proxy.forwardAuth("GET", url, "Cookie", cookie).statusCode();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
