package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passkeys registered through the portal's own form, over HTTP, by a software authenticator: the
 * first one upgrades the session and shows recovery codes once; past {@code [mfa] max_passkeys} a
 * signed-in user (or whoever holds their session) can add no more rows.
 */
class PasskeysPerUserAreCappedTest {
  private static final Pattern OPTIONS =
      Pattern.compile("data-webauthn=\"register\"[^>]*data-options=\"([^\"]+)\"");
  @TempDir Path dir;

  @Test
  void theFirstPasskeyUpgradesTheSessionAndTheCapStopsTheThird() {
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of("GATEHOUSE_MFA_MAX_PASSKEYS", "2"));
        Browser alice = new Browser(gh)) {
      String id = gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      String origin = "http://" + gh.uri("/").getHost() + ":" + 0;

      HttpResponse<String> first = register(alice, origin, "Laptop");
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).contains("Your recovery codes");
      assertThat(alice.get("/account").body()).contains("two factors").contains("Laptop");

      HttpResponse<String> second = register(alice, origin, "Phone");
      assertThat(second.statusCode()).isEqualTo(303);
      assertThat(second.headers().firstValue("Location")).hasValue("/account");

      HttpResponse<String> third = register(alice, origin, "Tablet");
      assertThat(third.statusCode()).isEqualTo(400);
      assertThat(third.body()).contains("You already have 2 passkeys");
      assertThat(gh.get("/api/admin/users/" + id + "/factors").json().get("passkeys")).hasSize(2);
    }
  }

  /** Opens the enrolment page, creates a credential from its options and posts it by its form. */
  private static HttpResponse<String> register(Browser browser, String origin, String name) {
    HttpResponse<String> page = browser.get("/login/enrol?rd=%2Faccount");
    Matcher options = OPTIONS.matcher(page.body());
    assertThat(options.find()).as(page.body()).isTrue();
    String json = options.group(1).replace("&#34;", "\"").replace("&quot;", "\"");
    SoftAuthenticator key = new SoftAuthenticator(origin, "127.0.0.1");
    String credential = key.create(json, SoftAuthenticator.Attestation.NONE);
    return browser.submit(
        "/login/enrol/passkey", Map.of("rd", "/account", "name", name, "credential", credential));
  }
}
