package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.token.Grants;
import dev.gatehouse.web.Json;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app the user agreed to share data with is listed on the account page as a connected app;
 * revoking it there forgets the consent (the app asks again) and ends what the app holds: its
 * refresh token is refused at the token endpoint and its access token at userinfo. Without the
 * form's CSRF token nothing happens.
 */
class RevokingAConnectedAppEndsItsGrantsTest {
  private static final String CALLBACK = "https://photos.example.test/cb";
  private static final String VERIFIER = "v".repeat(20) + "-connected-app-" + "w".repeat(20);
  private static final String REVOKE = "/account/apps/photos/revoke";
  @TempDir Path dir;

  @Test
  void revokedAppIsForgottenAndItsTokensStopWorking() throws Exception {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"photos\",\"name\":\"Photo Album\",\"public\":true,"
              + "\"first_party\":false,\"redirect_uris\":[\""
              + CALLBACK
              + "\"],\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
              + "\"scopes\":[\"openid\",\"profile\"]}");
      Browser alice = new Browser(gh.uri("/"));
      alice.signIn("/login", "alice", Provider.PASSWORD);
      assertThat(alice.get("/account").body())
          .contains("No connected apps yet")
          .doesNotContain(REVOKE);

      JsonNode tokens = tokens(alice, consentedCode(alice));
      String refresh = tokens.get("refresh_token").asText();
      String access = tokens.get("access_token").asText();
      String page = alice.get("/account").body();
      assertThat(page)
          .contains("Photo Album")
          .contains("openid, profile")
          .contains(REVOKE)
          .doesNotContain("No connected apps yet");

      assertThat(userinfoStatus(gh, access)).isEqualTo(200);

      HttpResponse<String> forged = alice.post(REVOKE, Map.of("csrf", "not-the-token"));
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(alice.get("/account").body()).contains(REVOKE);

      HttpResponse<String> revoked = alice.post(REVOKE, Browser.hiddenFields(page));
      assertThat(revoked.statusCode()).isEqualTo(303);
      assertThat(alice.get("/account").body())
          .contains("No connected apps yet")
          .doesNotContain(REVOKE);
      JsonNode refused =
          token(
              alice,
              Map.of(
                  "grant_type", "refresh_token", "client_id", "photos", "refresh_token", refresh));
      assertThat(refused.get("error").asText()).isEqualTo("invalid_grant");
      assertThat(userinfoStatus(gh, access)).isEqualTo(401);
      assertThat(alice.get(authorize()).body()).contains("Photo Album").contains("decision");

      gh.gatehouse().store().writer().write(dev.gatehouse.store.DataClass.AUDIT, tx -> null);
      JsonNode events = gh.get("/api/admin/audit?kind=consent_revoked").json().get("events");
      assertThat(events).hasSize(1);
      assertThat(events.get(0).get("actor_name").asText()).isEqualTo("alice");
      assertThat(events.get(0).get("object_id").asText()).isEqualTo("photos");
    }
  }

  /** Authorize as the signed-in browser, allow on the consent page; the code it redirects with. */
  private static String consentedCode(Browser alice) {
    HttpResponse<String> consent = alice.get(authorize());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    Map<String, String> fields = Browser.hiddenFields(consent.body());
    fields.put("decision", "allow");
    String location = Browser.location(alice.post("/oidc/authorize/consent", fields));
    assertThat(location).startsWith(CALLBACK + "?code=");
    return Browser.query(location).get("code");
  }

  private static String authorize() {
    return "/oidc/authorize?response_type=code&scope=openid%20profile&state=s&client_id=photos"
        + "&redirect_uri="
        + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8)
        + "&code_challenge_method=S256&code_challenge="
        + Grants.s256(VERIFIER);
  }

  private static JsonNode tokens(Browser browser, String code) throws Exception {
    JsonNode tokens =
        token(
            browser,
            Map.of(
                "grant_type", "authorization_code",
                "client_id", "photos",
                "code", code,
                "redirect_uri", CALLBACK,
                "code_verifier", VERIFIER));
    assertThat(tokens.has("refresh_token")).as(tokens.toString()).isTrue();
    return tokens;
  }

  private static JsonNode token(Browser browser, Map<String, String> form) throws Exception {
    return Json.MAPPER.readTree(browser.post("/oidc/token", form).body());
  }

  private static int userinfoStatus(TestGatehouse gh, String accessToken) throws Exception {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(gh.uri("/oidc/userinfo"))
                  .header("Authorization", "Bearer " + accessToken)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
