package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleShowsAnApiKeyOnceAndKeepsTheLastAdminKeyTest {
  private static final Pattern SECRET = Pattern.compile("<code>(gh_ak_[^<]+)</code>");
  @TempDir Path dir;

  @Test
  void theKeyIsInTheAnswerToCreateOnlyAndWorks() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/api-keys");
      HttpResponse<String> created =
          admin
              .browser()
              .submit(
                  "/admin/api-keys",
                  Map.of("name", "backup job", "role", "read_only", "expires_at", "2999-01-31"));
      assertThat(created.statusCode()).isEqualTo(200);
      assertThat(created.headers().firstValue("Location")).isEmpty();
      assertThat(created.body()).contains("class=\"secret\"").contains("will not be shown again");
      Matcher secret = SECRET.matcher(created.body());
      assertThat(secret.find()).isTrue();

      TestGatehouse.Response read = gh.send("GET", "/api/admin/users", null, secret.group(1));
      assertThat(read.status()).isEqualTo(200);
      JsonNode key = keyNamed(gh, "backup job");
      assertThat(key.get("role").asText()).isEqualTo("read_only");
      assertThat(key.get("expires_at").asText()).isEqualTo("2999-01-31T00:00:00Z");
      admin.made(
          ConsoleSignIn.events(gh, "admin_change", "api_key", key.get("id").asText()).getFirst());

      assertThat(admin.browser().get("/admin/api-keys").body())
          .contains("backup job")
          .doesNotContain(secret.group(1));
      assertThat(admin.browser().get("/admin/api-keys/" + key.get("id").asText()).body())
          .contains("backup job")
          .doesNotContain(secret.group(1));
    }
  }

  @Test
  void aPastExpiryIsShownAtItsField() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/api-keys");
      HttpResponse<String> refused =
          admin
              .browser()
              .submit(
                  "/admin/api-keys",
                  Map.of("name", "old", "role", "admin", "expires_at", "2001-01-01"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .contains("id=\"expires_at\" name=\"expires_at\" value=\"2001-01-01\"")
          .contains(
              "<p class=\"field-error\" id=\"expires_at-note\">expires_at must be in the future</p>")
          .doesNotContain("class=\"secret\"");
    }
  }

  @Test
  void theLastAdminKeyIsKeptAndOthersAreDeleted() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/api-keys");
      admin.browser().submit("/admin/api-keys", Map.of("name", "reader", "role", "read_only"));
      String bootstrap =
          gh.get("/api/admin/api-keys").json().get("items").get(0).get("id").asText();
      String reader = keyNamed(gh, "reader").get("id").asText();
      assertThat(bootstrap).isNotEqualTo(reader);

      HttpResponse<String> refused =
          admin.browser().submit("/admin/api-keys/" + bootstrap + "/delete", Map.of());
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .contains("<p class=\"error\" role=\"alert\">the last admin API key cannot be deleted");
      assertThat(gh.get("/api/admin/api-keys/" + bootstrap).status()).isEqualTo(200);

      HttpResponse<String> deleted =
          admin.browser().submit("/admin/api-keys/" + reader + "/delete", Map.of());
      assertThat(deleted.headers().firstValue("Location")).hasValue("/admin/api-keys?done=deleted");
      assertThat(gh.get("/api/admin/api-keys/" + reader).status()).isEqualTo(404);
      assertThat(ConsoleSignIn.events(gh, "admin_change", "api_key", reader))
          .hasSize(2)
          .allSatisfy(admin::made);
    }
  }

  private static JsonNode keyNamed(TestGatehouse gh, String name) {
    for (JsonNode key : gh.get("/api/admin/api-keys").json().get("items")) {
      if (key.get("name").asText().equals(name)) {
        return key;
      }
    }
    throw new AssertionError("no key named " + name);
  }
}
