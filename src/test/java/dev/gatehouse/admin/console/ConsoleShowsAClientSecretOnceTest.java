package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleShowsAClientSecretOnceTest {
  private static final Pattern SECRET =
      Pattern.compile("<code class=\"secret-value\">(gh_cs_[^<]+)</code>");
  @TempDir Path dir;

  private static Map<String, String> wiki() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", "wiki");
    form.put("name", "The wiki");
    form.put(
        "redirect_uris", "https://wiki.example.test/callback\r\nhttps://wiki.example.test/cb2");
    form.put("grant.authorization_code", "on");
    form.put("grant.refresh_token", "on");
    form.put("scopes", "openid profile");
    form.put("require_pkce", "on");
    form.put("signing_alg", "ES256");
    form.put("access_token_lifetime_seconds", "900");
    return form;
  }

  private static String secretIn(HttpResponse<String> page) {
    Matcher secret = SECRET.matcher(page.body());
    assertThat(secret.find()).as(page.body()).isTrue();
    return secret.group(1);
  }

  @Test
  void theSecretIsInTheAnswerToCreateAndRotateOnly() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/clients/new");
      HttpResponse<String> created = admin.browser().submit("/admin/clients", wiki());
      assertThat(created.statusCode()).isEqualTo(200);
      assertThat(created.headers().firstValue("Location")).isEmpty();
      assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(created.body()).contains("class=\"secret\"").contains("will not be shown again");
      String secret = secretIn(created);

      JsonNode client = gh.get("/api/admin/clients/wiki").json();
      assertThat(client.get("name").asText()).isEqualTo("The wiki");
      assertThat(client.get("redirect_uris").toString())
          .isEqualTo("[\"https://wiki.example.test/callback\",\"https://wiki.example.test/cb2\"]");
      assertThat(client.get("scopes").toString()).isEqualTo("[\"openid\",\"profile\"]");
      assertThat(client.get("signing_alg").asText()).isEqualTo("ES256");
      assertThat(client.get("access_token_lifetime_seconds").asInt()).isEqualTo(900);
      assertThat(client.get("public").asBoolean()).isFalse();
      admin.made(ConsoleSignIn.events(gh, "admin_change", "client", "wiki").getFirst());

      String page = admin.browser().get("/admin/clients/wiki").body();
      assertThat(page).doesNotContain(secret).doesNotContain("class=\"secret\"");
      assertThat(admin.browser().get("/admin/clients").body()).contains("The wiki");

      HttpResponse<String> rotated = admin.browser().submit("/admin/clients/wiki/secret", Map.of());
      assertThat(rotated.statusCode()).isEqualTo(200);
      String second = secretIn(rotated);
      assertThat(second).isNotEqualTo(secret);
      assertThat(admin.browser().get("/admin/clients/wiki").body()).doesNotContain(second);
      admin.made(ConsoleSignIn.events(gh, "client_secret_rotated", "client", "wiki").getFirst());
    }
  }

  @Test
  void editsAreSavedAndABadRedirectUriIsShownAtItsField() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/clients/new");
      admin.browser().submit("/admin/clients", wiki());

      Map<String, String> edit = wiki();
      edit.remove("client_id");
      edit.put("name", "Wiki");
      edit.put("require_mfa", "on");
      edit.put("redirect_uris", "https://wiki.example.test/callback\nnot a uri");
      HttpResponse<String> refused = admin.browser().submit("/admin/clients/wiki", edit);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body())
          .contains("name=\"redirect_uris\" aria-invalid=\"true\"")
          .contains(
              "<p class=\"field-error\" id=\"redirect_uris-note\">redirect_uris[1] is not a valid URI")
          .contains("not a uri</textarea>");
      assertThat(gh.get("/api/admin/clients/wiki").json().get("name").asText())
          .isEqualTo("The wiki");

      edit.put("redirect_uris", "https://wiki.example.test/callback");
      HttpResponse<String> saved = admin.browser().submit("/admin/clients/wiki", edit);
      assertThat(saved.headers().firstValue("Location")).hasValue("/admin/clients/wiki?done=saved");
      JsonNode client = gh.get("/api/admin/clients/wiki").json();
      assertThat(client.get("name").asText()).isEqualTo("Wiki");
      assertThat(client.get("require_mfa").asBoolean()).isTrue();
      assertThat(client.get("redirect_uris").size()).isEqualTo(1);
      admin.made(ConsoleSignIn.events(gh, "admin_change", "client", "wiki").getFirst());

      admin.browser().submit("/admin/clients/wiki/delete", Map.of());
      assertThat(gh.get("/api/admin/clients/wiki").status()).isEqualTo(404);
      assertThat(ConsoleSignIn.events(gh, "admin_change", "client", "wiki")).hasSize(3);
    }
  }
}
