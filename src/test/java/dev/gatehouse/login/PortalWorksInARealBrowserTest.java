package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Chrome;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium ({@link Chrome}) signs in through the form and lands on the account page.
 * Screenshots go to {@code target/screenshots}.
 */
@Tag("browser")
class PortalWorksInARealBrowserTest {
  @TempDir Path dir;

  @Test
  void signInThroughTheFormAndSeeTheSession() throws Exception {
    try (Chrome chrome = Chrome.start(dir);
        TestGatehouse gh = TestGatehouse.start(dir.resolve("data"))) {
      gh.createUser("alice", "alice-password", "staff");
      chrome.open(gh.uri("/login"));
      chrome.screenshot("login.png");
      chrome.type("#username", "alice");
      chrome.type("#password", "alice-password");
      chrome.click("button[type=submit]");

      assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
      assertThat(chrome.source())
          .contains("User alice")
          .contains("Sessions")
          .contains("this session");
      chrome.screenshot("account.png");

      chrome.type("#name", "Living-room TV");
      chrome.click("form[action='/account/devices/pair'] button");
      assertThat(chrome.source()).contains("Living-room TV");
      chrome.screenshot("pairing.png");

      chrome.open(gh.uri("/logout"));
      chrome.screenshot("logout.png");
    }
  }
}
