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
