package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Chrome;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In headless Chromium, console.js moves a rule at once, without a round trip, renaming its fields
 * after their new place, so that Save stores the order on screen; the script runs under the
 * console's content security policy with nothing refused.
 */
@Tag("browser")
class RulesMoveInPlaceWithScriptTest {
  @TempDir Path dir;

  @Test
  void moveUpReordersOnThePageAndSaveKeepsTheOrder() throws Exception {
    try (Chrome chrome = Chrome.start(dir);
        TestGatehouse gh = TestGatehouse.start(dir.resolve("data"))) {
      gh.createUser("ada", "ada-password", "admins");
      String id =
          gh.createApp(
              """
              {"name":"wiki","hosts":["wiki.example.test"],"rules":[
                {"path":"/","policy":"authenticated"},
                {"path":"/health","policy":"public"},
                {"path":"/admin","policy":"groups","groups":["admins"]}]}""");
      chrome.open(gh.uri("/login?rd=%2Fadmin%2Fapps%2F" + id));
      chrome.type("#username", "ada");
      chrome.type("#password", "ada-password");
      chrome.click("button[type=submit]");
      String page = chrome.awaitUrl(url -> url.endsWith("/admin/apps/" + id));
      assertThat(page).endsWith("/admin/apps/" + id);

      chrome.click("button[value='up:2']");
      chrome.click("button[value='up:1']");
      assertThat(chrome.url()).as("no round trip").isEqualTo(page);
      String moved = chrome.source();
      assertThat(moved)
          .doesNotContain("Not saved yet")
          .containsPattern("name=\"rules\\[0\\]\\.path\" value=\"/admin\"")
          .containsPattern("name=\"rules\\[1\\]\\.path\" value=\"/\"")
          .containsPattern("name=\"rules\\[2\\]\\.path\" value=\"/health\"")
          .containsPattern("for=\"rules\\[0\\]\\.groups\"");
      assertThat(chrome.texts("ol.rules .rule-number"))
          .containsExactly("Rule 1", "Rule 2", "Rule 3");
      chrome.screenshot("console-rules-moved.png");

      chrome.click("form[action='/admin/apps/" + id + "'] .actions button[value=save]");
      assertThat(chrome.awaitUrl(url -> url.endsWith("?done=saved"))).endsWith("?done=saved");
      JsonNode rules = gh.get("/api/admin/apps/" + id).json().get("rules");
      assertThat(rules.get(0).get("path").asText()).isEqualTo("/admin");
      assertThat(rules.get(0).get("groups").get(0).asText()).isEqualTo("admins");
      assertThat(rules.get(1).get("path").asText()).isEqualTo("/");
      assertThat(rules.get(2).get("path").asText()).isEqualTo("/health");
      assertThat(chrome.consoleLog())
          .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }
  }
}
