package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members of a group that requires a second factor get no session from their password alone: one
 * without a factor sets one up first, one with a factor proves it; nothing else is reachable in
 * between. Turning the requirement off signs them in with the password again, at once.
 */
class GroupThatRequiresASecondFactorAsksForItFirstTest {
  private static final String WIKI = "https://wiki.example.test/";
  @TempDir Path dir;

  @Test
  void memberEnrolsAtTheFirstSignInAndProvesTheFactorAtTheNext() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Proxy proxy = new Proxy(gh);
        Browser dana = new Browser(gh)) {
      assertThat(gh.post("/api/admin/groups", "{\"name\":\"ops\",\"require_mfa\":true}").status())
          .isEqualTo(201);
      gh.createUser("dana", "dana-password", "ops");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"authenticated"}]}""");

      HttpResponse<String> first = dana.login("dana", "dana-password");
      assertThat(first.statusCode()).isEqualTo(303);
      assertThat(first.headers().firstValue("Location")).hasValue("/login/enrol");
      assertThat(dana.cookie("gh_session")).isNull();
      assertThat(dana.cookie("gh_pending")).isNotNull();
      // Half signed in is not signed in: no app, no account page.
      assertThat(proxy.forwardAuth("GET", WIKI, "Cookie", dana.cookieHeader()).statusCode())
          .isEqualTo(401);
      assertThat(dana.get("/account").headers().firstValue("Location"))
          .hasValueSatisfying(l -> assertThat(l).startsWith("/login"));

      AuthenticatorApp.Enrolled enrolled = AuthenticatorApp.enrol(dana, "", clock);
      assertThat(enrolled.answer().statusCode()).isEqualTo(200);
      assertThat(enrolled.codes()).hasSize(10);
      assertThat(dana.cookie("gh_pending")).isNull();
      assertThat(proxy.forwardAuth("GET", WIKI, "Cookie", dana.cookieHeader()).statusCode())
          .isEqualTo(200);

      clock.advance(Duration.ofMinutes(1));
      dana.submit("/logout", Map.of());
      HttpResponse<String> second = dana.login("dana", "dana-password");
      assertThat(second.headers().firstValue("Location")).hasValue("/login/verify");
      assertThat(dana.cookie("gh_session")).isNull();
      HttpResponse<String> proved =
          dana.submit(
              "/login/verify", Map.of("rd", "", "method", "totp", "code", enrolled.app().code()));
      assertThat(proved.statusCode()).isEqualTo(303);
      assertThat(proved.headers().firstValue("Location")).hasValue("/account");
      assertThat(dana.get("/account").body()).contains("two factors").contains("this session");

      assertThat(
              gh.patch("/api/admin/groups/ops", "{\"require_mfa\":false}")
                  .json()
                  .get("require_mfa")
                  .asBoolean())
          .isFalse();
      dana.submit("/logout", Map.of());
      assertThat(dana.login("dana", "dana-password").headers().firstValue("Location"))
          .hasValue("/account");
    }
  }

  @Test
  void aForgedOrExpiredPendingSignInGetsNowhere() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser eve = new Browser(gh);
        Browser dana = new Browser(gh)) {
      gh.post("/api/admin/groups", "{\"name\":\"ops\",\"require_mfa\":true}");
      String danaId = gh.createUser("dana", "dana-password", "ops");
      eve.setCookie("gh_pending", danaId + ".1." + Long.MAX_VALUE + ".forged");
      assertThat(eve.get("/login/enrol").headers().firstValue("Location")).hasValue("/login");

      dana.login("dana", "dana-password");
      clock.advance(Duration.ofMinutes(6));
      assertThat(dana.get("/login/enrol").headers().firstValue("Location")).hasValue("/login");
    }
  }

  @Test
  void adminsCanBeRequiredByConfiguration() {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_MFA_REQUIRE_FOR_ADMINS", "true"));
        Browser admin = new Browser(gh)) {
      HttpResponse<String> signIn = admin.login("admin", TestGatehouse.ADMIN_PASSWORD);
      assertThat(signIn.headers().firstValue("Location")).hasValue("/login/enrol");
      assertThat(admin.cookie("gh_session")).isNull();
    }
  }
}
