package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stolen password alone must neither lock the owner out nor disarm their second factor: a
 * one-factor session of a user who has one is sent to prove it before removing the authenticator
 * app, getting new recovery codes or changing the password, and nothing changes until then. After
 * the step-up each works: new recovery codes replace the old ones, which stop working.
 */
class AccountFactorChangesNeedASecondFactorTest {
  private static final String STEP_UP = "/login/verify?rd=%2Faccount";
  private static final Pattern CODE = Pattern.compile("<li><code>([0-9a-z-]{19})</code>");

  @TempDir Path dir;

  @Test
  void oneFactorSessionChangesNothingUntilItProvesTheSecondFactor() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser dave = new Browser(gh)) {
      String daveId = gh.createUser("dave", "dave-password");
      String factors = "/api/admin/users/" + daveId + "/factors";
      dave.login("dave", "dave-password");
      AuthenticatorApp.Enrolled enrolled = AuthenticatorApp.enrol(dave, "", clock);
      List<String> oldCodes = enrolled.codes();
      assertThat(oldCodes).hasSize(10);
      dave.submit("/logout", Map.of());
      dave.login("dave", "dave-password");
      dave.get("/account");

      for (HttpResponse<String> refused :
          List.of(
              dave.submit("/account/totp/remove", Map.of()),
              dave.submit("/account/recovery-codes", Map.of()),
              dave.submit(
                  "/account/password",
                  Map.of(
                      "current_password", "dave-password", "new_password", "dave-new-password")))) {
        assertThat(refused.statusCode()).isEqualTo(303);
        assertThat(refused.headers().firstValue("Location")).hasValue(STEP_UP);
        assertThat(refused.body()).doesNotContainPattern(CODE.pattern());
      }
      JsonNode unchanged = gh.get(factors).json();
      assertThat(unchanged.get("totp").asBoolean()).isTrue();
      assertThat(unchanged.get("recovery_codes").asInt()).isEqualTo(10);
      try (Browser other = new Browser(gh, "127.0.0.2")) {
        assertThat(other.login("dave", "dave-password").headers().firstValue("Location"))
            .hasValue("/account");
      }

      // The step-up, back to the account page.
      clock.advance(Duration.ofSeconds(30));
      assertThat(dave.get(STEP_UP).statusCode()).isEqualTo(200);
      HttpResponse<String> proved =
          dave.submit(
              "/login/verify",
              Map.of("rd", "/account", "method", "totp", "code", enrolled.app().code()));
      assertThat(proved.statusCode()).isEqualTo(303);
      assertThat(proved.headers().firstValue("Location")).hasValue("/account");
      dave.get("/account");

      HttpResponse<String> renewed = dave.submit("/account/recovery-codes", Map.of());
      assertThat(renewed.statusCode()).isEqualTo(200);
      List<String> newCodes = codes(renewed.body());
      assertThat(newCodes)
          .hasSize(10)
          .doesNotHaveDuplicates()
          .doesNotContainAnyElementsOf(oldCodes);
      assertThat(gh.get(factors).json().get("recovery_codes").asInt()).isEqualTo(10);
      try (Browser other = new Browser(gh, "127.0.0.2")) {
        other.login("dave", "dave-password");
        assertThat(recover(other, oldCodes.getFirst()).statusCode()).isEqualTo(401);
        assertThat(recover(other, newCodes.getFirst()).statusCode()).isEqualTo(303);
      }

      HttpResponse<String> changed =
          dave.submit(
              "/account/password",
              Map.of("current_password", "dave-password", "new_password", "dave-new-password"));
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(303);
      assertThat(changed.headers().firstValue("Location")).hasValue("/account");
      try (Browser other = new Browser(gh, "127.0.0.3")) {
        assertThat(other.login("dave", "dave-password").statusCode()).isEqualTo(401);
        assertThat(other.login("dave", "dave-new-password").statusCode()).isEqualTo(303);
      }

      dave.get("/account");
      HttpResponse<String> removed = dave.submit("/account/totp/remove", Map.of());
      assertThat(removed.statusCode()).isEqualTo(303);
      assertThat(removed.headers().firstValue("Location")).hasValue("/account");
      assertThat(gh.get(factors).json().get("totp").asBoolean()).isFalse();
    }
  }

  private static HttpResponse<String> recover(Browser browser, String code) {
    browser.get("/login/verify");
    return browser.submit("/login/verify", Map.of("rd", "", "method", "recovery", "code", code));
  }

  private static List<String> codes(String page) {
    List<String> codes = new ArrayList<>();
    Matcher code = CODE.matcher(page);
    while (code.find()) {
      codes.add(code.group(1));
    }
    return codes;
  }
}
