package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountPageListsAndRevokesTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  private static TestGatehouse start(Path dir) {
    TestGatehouse gh = TestGatehouse.start(dir);
    gh.createUser("alice", "alice-password", "staff");
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
    return gh;
  }

  @Test
  void signedOutVisitorsAreSentToTheLoginPage() {
    try (TestGatehouse gh = start(dir);
        Browser browser = new Browser(gh)) {
      var response = browser.get("/account");
      assertThat(response.statusCode()).isEqualTo(303);
      assertThat(response.headers().firstValue("Location")).hasValue("/login?rd=%2Faccount");
    }
  }

  @Test
  void oneSessionRevokesAnother() {
    try (TestGatehouse gh = start(dir);
        Proxy proxy = new Proxy(gh);
        Browser laptop = new Browser(gh);
        Browser phone = new Browser(gh)) {
      laptop.login("alice", "alice-password");
      phone.login("alice", "alice-password");
      String phoneId = Secrets.digest(phone.cookie("gh_session")).substring(0, 16);

      String page = laptop.get("/account").body();
      assertThat(page)
          .contains("User alice")
          .contains("groups: staff")
          .contains("GatehouseTestBrowser/1.0")
          .contains("this session")
          .contains("/account/sessions/" + phoneId + "/revoke")
          .doesNotContain(phone.cookie("gh_session"));

      assertThat(laptop.submit("/account/sessions/" + phoneId + "/revoke", Map.of()).statusCode())
          .isEqualTo(303);
      assertThat(laptop.get("/account").body()).doesNotContain(phoneId);
      assertThat(
              proxy
                  .forwardAuth("GET", PAGE, "Cookie", "gh_session=" + phone.cookie("gh_session"))
                  .statusCode())
          .isEqualTo(401);
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", laptop.cookieHeader()).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void anotherUsersSessionCannotBeRevoked() {
    try (TestGatehouse gh = start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser mallory = new Browser(gh)) {
      gh.createUser("mallory", "mallory-password");
      alice.login("alice", "alice-password");
      mallory.login("mallory", "mallory-password");
      String aliceId = Secrets.digest(alice.cookie("gh_session")).substring(0, 16);
      Browser.PairedDevice device = alice.pairDevice("tv");

      mallory.submit("/account/sessions/" + aliceId + "/revoke", Map.of());
      assertThat(
              mallory.submit("/account/devices/" + device.id() + "/revoke", Map.of()).statusCode())
          .isEqualTo(404);

      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", alice.cookieHeader()).statusCode())
          .isEqualTo(200);
      assertThat(
              proxy
                  .forwardAuth("GET", PAGE, "Authorization", "Bearer " + device.token())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void logoutAsksFirstThenEndsTheSession() {
    try (TestGatehouse gh = start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String session = "gh_session=" + alice.cookie("gh_session");

      var confirm = alice.get("/logout");
      assertThat(confirm.statusCode()).isEqualTo(200);
      assertThat(confirm.body()).contains("Sign out?").contains("action=\"/logout\"");
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);

      var out = alice.submit("/logout", Map.of());
      assertThat(out.statusCode()).isEqualTo(303);
      assertThat(out.headers().firstValue("Location")).hasValue("/login");
      assertThat(out.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith("gh_session=;") && c.contains("Max-Age=0"));
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(401);
    }
  }
}
