package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stolen password must not buy unlimited guesses at the six digits behind it: wrong second
 * factors are counted per account, whichever browser or address sends them, and past the free
 * failures every attempt is answered 429 with Retry-After before any code is checked, the right one
 * too. Passwordless sign-ins, which name no account, are counted per address instead.
 */
class SecondFactorGuessesAreThrottledPerAccountTest {
  @TempDir Path dir;

  @Test
  void wrongCodesFromAnyBrowserLockTheAccountsSecondFactorUntilTheWaitIsOver() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh =
            TestGatehouse.start(
                dir,
                Map.of(
                    "GATEHOUSE_THROTTLE_ACCOUNT_FREE_FAILURES", "2",
                    "GATEHOUSE_THROTTLE_BASE_DELAY_MS", "10000"),
                clock);
        Browser carol = new Browser(gh);
        Browser thief = new Browser(gh, "127.0.0.2")) {
      String carolId = gh.createUser("carol", "carol-password");
      carol.login("carol", "carol-password");
      AuthenticatorApp app = AuthenticatorApp.enrol(carol, "", clock).app();
      clock.advance(Duration.ofSeconds(30));
      carol.submit("/logout", Map.of());
      carol.login("carol", "carol-password");
      thief.login("carol", "carol-password");

      // Two free failures, one from each browser; the third makes the account wait.
      assertThat(verify(carol, "000000").statusCode()).isEqualTo(401);
      assertThat(verify(thief, "111111").statusCode()).isEqualTo(401);
      assertThat(verify(carol, "222222").statusCode()).isEqualTo(401);

      String right = app.code();
      for (Browser browser : List.of(carol, thief)) {
        HttpResponse<String> refused = verify(browser, right);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After"))
            .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isBetween(1L, 10L));
        assertThat(refused.body()).contains("Too many wrong codes");
      }
      assertThat(verify(thief, "333333").statusCode()).isEqualTo(429);
      assertThat(carol.cookie("gh_session")).isNotNull();

      // After the wait the very code refused above is still good: it was never checked (a check
      // would have spent it).
      clock.advance(Duration.ofSeconds(11));
      HttpResponse<String> proved = verify(carol, right);
      assertThat(proved.statusCode()).as(proved.body()).isEqualTo(303);
      assertThat(proved.headers().firstValue("Location")).hasValue("/account");

      List<JsonNode> failed = AuditLog.events(gh, "kind=second_factor_failed");
      assertThat(failed)
          .extracting(
              e -> e.get("subject_user_id").asText() + " " + e.get("reason").asText(),
              e -> e.get("ip").asText())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(carolId + " totp", "127.0.0.1"),
              org.assertj.core.groups.Tuple.tuple(carolId + " totp", "127.0.0.2"),
              org.assertj.core.groups.Tuple.tuple(carolId + " totp", "127.0.0.1"));
      List<JsonNode> throttled = AuditLog.events(gh, "kind=throttled");
      assertThat(throttled).hasSize(3);
      assertThat(throttled)
          .allSatisfy(
              e -> {
                assertThat(e.get("reason").asText()).isEqualTo("second_factor");
                assertThat(e.get("subject_user_id").asText()).isEqualTo(carolId);
              });
    }
  }

  @Test
  void garbagePasskeySignInsAreThrottledPerAddress() {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_THROTTLE_ADDRESS_FREE_FAILURES", "2"));
        Browser guesser = new Browser(gh);
        Browser neighbour = new Browser(gh, "127.0.0.2")) {
      for (String garbage : List.of("", "{}", "{\"id\":\"AAAA\",\"type\":\"public-key\"}")) {
        HttpResponse<String> refused = passkey(guesser, garbage);
        assertThat(refused.statusCode()).as(garbage).isEqualTo(401);
        assertThat(guesser.cookie("gh_session")).isNull();
      }
      HttpResponse<String> throttled = passkey(guesser, "not a credential");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).isPresent();

      // Another address has its own count.
      assertThat(passkey(neighbour, "not a credential").statusCode()).isEqualTo(401);
    }
  }

  private static HttpResponse<String> verify(Browser browser, String code) {
    browser.get("/login/verify");
    return browser.submit("/login/verify", Map.of("rd", "", "method", "totp", "code", code));
  }

  private static HttpResponse<String> passkey(Browser browser, String credential) {
    browser.get("/login");
    return browser.submit("/login/passkey", Map.of("rd", "", "credential", credential));
  }
}
