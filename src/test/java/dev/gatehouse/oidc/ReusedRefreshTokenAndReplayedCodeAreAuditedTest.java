package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.token.Grants;
import dev.gatehouse.web.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh token used twice and an authorization code redeemed twice each revoke their grant and
 * leave a {@code token_reuse_detected} event naming the client, the user and the grant, committed
 * with the revocation. The event holds neither token.
 */
class ReusedRefreshTokenAndReplayedCodeAreAuditedTest {
  private static final String CALLBACK = "https://app.example.test/cb";
  private static final String VERIFIER = "a".repeat(20) + "-verifier-" + "b".repeat(20);
  @TempDir Path dir;

  @Test
  void reuseIsRecordedWithClientUserAndGrant() throws Exception {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"spa\",\"public\":true,\"first_party\":true,\"redirect_uris\":[\""
              + CALLBACK
              + "\"],\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
              + "\"scopes\":[\"openid\"]}");
      Browser browser = new Browser(gh.uri("/"));
      String code = Provider.code(browser, "spa", CALLBACK, Grants.s256(VERIFIER));
      JsonNode tokens =
          token(
              browser,
              Map.of(
                  "grant_type", "authorization_code",
                  "client_id", "spa",
                  "code", code,
                  "redirect_uri", CALLBACK,
                  "code_verifier", VERIFIER));
      String refresh = tokens.get("refresh_token").asText();
      Map<String, String> refreshing =
          Map.of("grant_type", "refresh_token", "client_id", "spa", "refresh_token", refresh);
      assertThat(token(browser, refreshing).has("access_token")).isTrue();

      assertThat(token(browser, refreshing).get("error").asText()).isEqualTo("invalid_grant");
      String code2 = Provider.code(browser, "spa", CALLBACK, Grants.s256(VERIFIER));
      Map<String, String> redeeming =
          Map.of(
              "grant_type", "authorization_code",
              "client_id", "spa",
              "code", code2,
              "redirect_uri", CALLBACK,
              "code_verifier", VERIFIER);
      assertThat(token(browser, redeeming).has("access_token")).isTrue();
      assertThat(token(browser, redeeming).get("error").asText()).isEqualTo("invalid_grant");

      gh.gatehouse().store().writer().write(DataClass.AUDIT, tx -> null);
      TestGatehouse.Response page = gh.get("/api/admin/audit?kind=token_reuse_detected");
      List<JsonNode> events = new ArrayList<>();
      page.json().get("events").forEach(events::add);
      assertThat(events)
          .extracting(e -> e.get("reason").asText())
          .containsExactly("authorization code replayed", "refresh token reused");
      assertThat(events)
          .allSatisfy(
              e -> {
                assertThat(e.get("actor_kind").asText()).isEqualTo("client");
                assertThat(e.get("actor_id").asText()).isEqualTo("spa");
                assertThat(e.get("subject_username").asText()).isEqualTo("alice");
                assertThat(e.get("object_type").asText()).isEqualTo("grant");
              });
      assertThat(page.body()).doesNotContain(refresh).doesNotContain(code).doesNotContain(code2);
    }
  }

  private static JsonNode token(Browser browser, Map<String, String> form) throws Exception {
    return Json.MAPPER.readTree(browser.post("/oidc/token", form).body());
  }
}
