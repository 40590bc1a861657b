package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gh_login} marks a request that comes back from the sign-in it asked for. A client (or
 * anyone writing the URL) that adds its own mark must not skip {@code prompt=login} or {@code
 * max_age}; the mark Gatehouse made itself still lets the request through after the sign-in.
 */
class ForgedLoginMarkDoesNotSkipPromptLoginOrMaxAgeTest {
  private static final String AUTHORIZE =
      "/oidc/authorize?response_type=code&scope=openid&state=s&client_id=app"
          + "&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcb"
          + "&code_challenge_method=S256&code_challenge="
          + "A".repeat(43);

  @TempDir Path dir;

  @Test
  void forgedMarksAreAskedToSignInAgainAndTheRealOneIsNot() {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"app\",\"first_party\":true,"
              + "\"redirect_uris\":[\"https://app.example.test/cb\"]}");
      Browser browser = new Browser(gh.uri("/"));
      browser.signIn("/login", "alice", Provider.PASSWORD);

      for (String forged : new String[] {"0", "9999999999999", "0.AAAA", "1"}) {
        for (String demand : new String[] {"&prompt=login", "&max_age=0"}) {
          HttpResponse<String> answer = browser.get(AUTHORIZE + demand + "&gh_login=" + forged);
          assertThat(Browser.location(answer)).as(demand + " " + forged).startsWith("/login?rd=");
        }
      }

      // The real round trip: the mark Gatehouse made, then a sign-in, then the code.
      String login = Browser.location(browser.get(AUTHORIZE + "&prompt=login"));
      String back = Browser.location(browser.signIn(login, "alice", Provider.PASSWORD));
      assertThat(back).contains("gh_login=");
      HttpResponse<String> done = browser.get(back);
      assertThat(Browser.location(done)).startsWith("https://app.example.test/cb?code=");

      // Its mark does not carry over to another request (here: another state).
      String moved = back.replace("state=s", "state=t");
      assertThat(Browser.location(browser.get(moved))).startsWith("/login?rd=");
    }
  }
}
