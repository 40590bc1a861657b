package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormsWithoutTheCsrfTokenAreRefusedTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  @Test
  void loginNeedsTheTokenThatMatchesTheCookie() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      Map<String, String> credentials = Map.of("username", "alice", "password", "alice-password");
      assertThat(browser.post("/login", credentials).statusCode()).isEqualTo(403);

      browser.get("/login");
      assertThat(browser.cookie("gh_csrf")).isNotNull();
      var forged =
          browser.post(
              "/login",
              Map.of("csrf", "x".repeat(43), "username", "alice", "password", "alice-password"));
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("Your form expired");
      assertThat(browser.cookie("gh_session")).isNull();
    }
  }

  /**
   * Without a configured public_url the origin expected is the request's own Host (what the browser
   * typed); any other Origin is still refused.
   */
  @Test
  void withoutPublicUrlTheOriginMustBeTheHostItself() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      String page = browser.get("/login").body();
      String body = "csrf=" + Browser.csrfIn(page) + "&username=alice&password=alice-password";
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (String origin :
          new String[] {"http://evil.example.test", "http://127.0.0.1:" + gh.uri("/").getPort()}) {
        var response =
            http.send(
                java.net.http.HttpRequest.newBuilder(gh.uri("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", browser.cookieHeader())
                    .header("Origin", origin)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(origin).isEqualTo(origin.contains("evil") ? 403 : 303);
      }
      http.close();
    }
  }

  @Test
  void logoutAndRevocationNeedTheToken() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      alice.login("alice", "alice-password");
      String session = "gh_session=" + alice.cookie("gh_session");
      Browser.PairedDevice device = alice.pairDevice("tv");

      assertThat(alice.post("/logout", Map.of()).statusCode()).isEqualTo(403);
      assertThat(alice.post("/logout", Map.of("csrf", "wrong")).statusCode()).isEqualTo(403);
      assertThat(alice.post("/account/devices/" + device.id() + "/revoke", Map.of()).statusCode())
          .isEqualTo(403);
      assertThat(alice.post("/account/devices/pair", Map.of("name", "x")).statusCode())
          .isEqualTo(403);

      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);
      assertThat(
              proxy
                  .forwardAuth("GET", PAGE, "Authorization", "Bearer " + device.token())
                  .statusCode())
          .isEqualTo(200);
    }
  }
}
