package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apps editor as a browser without script uses it: rules are added, moved and removed by plain
 * posts that change nothing until Save; Save goes through the admin API's own path (same
 * validation, audited as the signed-in admin); a refusal shows at the rule's field with everything
 * typed kept.
 */
class AppRulesEditorWorksWithoutScriptTest {
  @TempDir Path dir;

  @Test
  void rulesAreAddedMovedUpAndSavedInTheNewOrder() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      Browser ada = admin.browser();
      assertThat(ada.get("/admin/apps").body()).contains("No apps yet");

      Map<String, String> form = PageForm.fields(ada.get("/admin/apps/new").body(), "/admin/apps");
      form.put("name", "wiki");
      form.put("hosts", "wiki.example.test\r\nWIKI.example.test.\r\n");
      form.put("op", "add");
      HttpResponse<String> added = ada.post("/admin/apps", form);
      assertThat(added.statusCode()).isEqualTo(200);
      form = PageForm.fields(added.body(), "/admin/apps");
      assertThat(form)
          .containsEntry("name", "wiki")
          .containsEntry("rules[0].path", "")
          .containsEntry("rules[1].path", "")
          .containsEntry("rules[1].policy", "authenticated");
      assertThat(gh.get("/api/admin/apps").json().get("total").asInt()).isZero();
      form.put("rules[0].path", "/");
      form.put("rules[1].path", "/health");
      form.put("rules[1].methods", "get, head");
      form.put("rules[1].policy", "public");
      form.put("op", "save");
      HttpResponse<String> created = ada.post("/admin/apps", form);
      assertThat(created.statusCode()).isEqualTo(303);
      String location = created.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith("/admin/apps/").endsWith("?done=created");
      String id = location.substring("/admin/apps/".length(), location.indexOf('?'));
      String self = "/admin/apps/" + id;

      String page = ada.get(location).body();
      assertThat(page).contains("Created.");
      Map<String, String> saved = PageForm.fields(page, self);
      assertThat(saved)
          .containsEntry("hosts", "wiki.example.test")
          .containsEntry("rules[0].path", "/")
          .containsEntry("rules[0].policy", "authenticated")
          .containsEntry("rules[1].path", "/health")
          .containsEntry("rules[1].methods", "GET, HEAD");

      saved.put("op", "up:1");
      HttpResponse<String> moved = ada.post(self, saved);
      assertThat(moved.statusCode()).isEqualTo(200);
      assertThat(moved.body()).contains("Not saved yet");
      Map<String, String> reordered = PageForm.fields(moved.body(), self);
      assertThat(reordered)
          .containsEntry("rules[0].path", "/health")
          .containsEntry("rules[0].policy", "public")
          .containsEntry("rules[0].methods", "GET, HEAD")
          .containsEntry("rules[1].path", "/")
          .containsEntry("rules[1].policy", "authenticated");
      assertThat(gh.get("/api/admin/apps/" + id).json().get("rules").get(0).get("path").asText())
          .as("nothing is saved before Save")
          .isEqualTo("/");

      reordered.put("op", "save");
      HttpResponse<String> savedAgain = ada.post(self, reordered);
      assertThat(savedAgain.statusCode()).isEqualTo(303);
      assertThat(savedAgain.headers().firstValue("Location")).hasValue(self + "?done=saved");
      JsonNode rules = gh.get("/api/admin/apps/" + id).json().get("rules");
      assertThat(rules).hasSize(2);
      assertThat(rules.get(0).get("path").asText()).isEqualTo("/health");
      assertThat(rules.get(0).get("policy").asText()).isEqualTo("public");
      assertThat(rules.get(1).get("path").asText()).isEqualTo("/");

      String list = ada.get("/admin/apps").body();
      assertThat(list)
          .contains(">wiki</a>")
          .contains("wiki.example.test")
          .contains("1–1 of 1 apps");

      List<JsonNode> changes = ConsoleSignIn.events(gh, "admin_change", "app", id);
      assertThat(changes).hasSize(2).allSatisfy(admin::made);
      assertThat(changes.stream().map(e -> e.path("details").path("action").asText()))
          .containsExactly("update", "create");

      Map<String, String> removal = PageForm.fields(ada.get(self).body(), self);
      removal.put("op", "remove:0");
      Map<String, String> left = PageForm.fields(ada.post(self, removal).body(), self);
      assertThat(left).containsEntry("rules[0].path", "/").doesNotContainKey("rules[1].path");

      String deletePath = self + "/delete";
      assertThat(ada.get(self).body()).contains("data-confirm=\"Delete wiki?");
      HttpResponse<String> deleted = ada.submit(deletePath, Map.of());
      assertThat(deleted.statusCode()).isEqualTo(303);
      assertThat(deleted.headers().firstValue("Location")).hasValue("/admin/apps?done=deleted");
      assertThat(gh.get("/api/admin/apps/" + id).status()).isEqualTo(404);
    }
  }

  @Test
  void anInvalidRegexIsShownAtItsFieldWithWhatWasTyped() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      Browser ada = admin.browser();
      Map<String, String> form = PageForm.fields(ada.get("/admin/apps/new").body(), "/admin/apps");
      form.put("op", "add");
      form = PageForm.fields(ada.post("/admin/apps", form).body(), "/admin/apps");
      form.put("name", "api");
      form.put("hosts", "api.example.test");
      form.put("path_case_insensitive", "on");
      form.put("rules[1].path", "");
      form.put("rules[1].path_regex", "^/v1/(users");
      form.put("rules[1].networks", "10.0.0.0/8");
      form.put("rules[1].policy", "groups");
      form.put("rules[1].groups", "ops, staff");
      form.put("op", "save");

      HttpResponse<String> refused = ada.post("/admin/apps", form);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .containsPattern(
              "id=\"rules\\[1\\]\\.path_regex\" name=\"rules\\[1\\]\\.path_regex\""
                  + " value=\"\\^/v1/\\(users\"[^>]*aria-invalid=\"true\""
                  + " aria-describedby=\"rules\\[1\\]\\.path_regex-note\"")
          .containsPattern(
              "<p class=\"field-error\" id=\"rules\\[1\\]\\.path_regex-note\">"
                  + "rules\\[1\\]\\.path_regex is not a valid regex");
      Map<String, String> kept = PageForm.fields(refused.body(), "/admin/apps");
      form.remove("op");
      assertThat(kept).isEqualTo(form);
      assertThat(gh.get("/api/admin/apps").json().get("total").asInt()).isZero();

      form.put("rules[1].path_regex", "^/v1/(users|groups)");
      form.put("rules[1].networks", "10.0.0.0/8, 10.0.0.x");
      form.put("op", "save");
      HttpResponse<String> badNetwork = ada.post("/admin/apps", form);
      assertThat(badNetwork.statusCode()).isEqualTo(400);
      assertThat(badNetwork.body())
          .contains("<p class=\"field-error\" id=\"rules[1].networks-note\">rules[1].networks[1]");
    }
  }
}
