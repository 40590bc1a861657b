package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code login_hint} at /oidc/authorize reaches the real login page as the prefilled, escaped
 * username; a signed-in user whom the hint does not name signs in again, as with prompt=login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginHintPrefillsTheUsernameOnTheLoginPageTest {
  private static final String AUTHORIZE =
      "/oidc/authorize?response_type=code&scope=openid&state=s&client_id=hinted"
          + "&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcb"
          + "&code_challenge_method=S256&code_challenge="
          + "A".repeat(43);

  private TestGatehouse gh;

  @BeforeAll
  void start() throws Exception {
    gh = Provider.start(Files.createTempDirectory("gh-login-hint"));
    gh.createUser("bob", Provider.PASSWORD);
    Provider.client(
        gh,
        "{\"client_id\":\"hinted\",\"first_party\":true,"
            + "\"redirect_uris\":[\"https://app.example.test/cb\"]}");
  }

  @AfterAll
  void stop() {
    gh.close();
  }

  private static String hinted(String hint) {
    return AUTHORIZE + "&login_hint=" + URLEncoder.encode(hint, StandardCharsets.UTF_8);
  }

  private static String usernameField(String value) {
    return "name=\"username\" value=\"" + value + "\"";
  }

  @Test
  void signedOutUserFindsTheHintedUsernameFilledInAndSignsIn() {
    Browser browser = new Browser(gh.uri("/"));

    String login = Browser.location(browser.get(hinted("alice")));
    HttpResponse<String> page = browser.get(login);

    assertThat(login).startsWith("/login?rd=%2Foidc%2Fauthorize").endsWith("&login_hint=alice");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(usernameField("alice"));
    HttpResponse<String> back = browser.signIn(login, "alice", Provider.PASSWORD);
    String callback = Browser.location(browser.get(Browser.location(back)));
    assertThat(Browser.query(callback)).containsKey("code");
  }

  @Test
  void hintIsEscapedInThePage() {
    Browser browser = new Browser(gh.uri("/"));

    HttpResponse<String> page =
        browser.get(Browser.location(browser.get(hinted("\"><script>alert(1)</script>"))));

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("<script>alert(1)");
    assertThat(page.body()).contains(usernameField("&#34;>&lt;script>alert(1)&lt;/script>"));
  }

  @Test
  void loginPageWithoutAHintOrWithAnOversizedOneLeavesTheFieldEmpty() {
    Browser browser = new Browser(gh.uri("/"));

    assertThat(browser.get("/login").body()).contains(usernameField(""));
    assertThat(browser.get("/login?login_hint=" + "x".repeat(300)).body())
        .contains(usernameField(""));
  }

  @Test
  void signedInUserWhomTheHintDoesNotNameSignsInAgainPrefilled() {
    Browser browser = new Browser(gh.uri("/"));
    Provider.code(browser, "hinted", "https://app.example.test/cb", "A".repeat(43));

    HttpResponse<String> same = browser.get(hinted("ALICE@example.test"));
    HttpResponse<String> other = browser.get(hinted("bob"));
    HttpResponse<String> silent = browser.get(hinted("bob") + "&prompt=none");

    assertThat(Browser.query(Browser.location(same))).containsKey("code");
    String login = Browser.location(other);
    assertThat(login).startsWith("/login?rd=").endsWith("&login_hint=bob");
    assertThat(browser.get(login).body()).contains(usernameField("bob"));
    assertThat(Browser.query(Browser.location(silent))).containsEntry("error", "login_required");
    HttpResponse<String> back = browser.signIn(login, "bob", Provider.PASSWORD);
    assertThat(Browser.query(Browser.location(browser.get(Browser.location(back)))))
        .containsKey("code");
  }
}
