package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.token.Grants;
import dev.gatehouse.web.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codes are bound to their redirect URI and PKCE verifier, and used once: a replay revokes what was
 * issued from the code, which forward-auth then refuses as a bearer too.
 */
class CodeRedemptionRefusesMismatchesAndRevokesOnReplayTest {
  private static final String CALLBACK = "https://app.example.test/cb";
  private static final String VERIFIER = "a".repeat(20) + "-verifier-" + "b".repeat(20);

  @TempDir Path dir;

  @Test
  void wrongRedirectWrongVerifierAndReplayAreInvalidGrant() throws Exception {
    try (TestGatehouse gh = Provider.start(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      Provider.client(
          gh,
          "{\"client_id\":\"spa\",\"public\":true,\"first_party\":true,\"redirect_uris\":[\""
              + CALLBACK
              + "\"],\"scopes\":[\"openid\"]}");
      gh.createApp(
          "{\"name\":\"app\",\"hosts\":[\"app.example.test\"],"
              + "\"bearer_tokens\":{\"clients\":[\"spa\"]},"
              + "\"rules\":[{\"policy\":\"authenticated\"}]}");
      Browser browser = new Browser(gh.uri("/"));
      String challenge = Grants.s256(VERIFIER);

      String code = Provider.code(browser, "spa", CALLBACK, challenge);
      assertThat(error(browser, code, CALLBACK + "/other", VERIFIER)).isEqualTo("invalid_grant");
      String code2 = Provider.code(browser, "spa", CALLBACK, challenge);
      assertThat(error(browser, code2, CALLBACK, VERIFIER.replace('a', 'c')))
          .isEqualTo("invalid_grant");
      assertThat(error(browser, code2, CALLBACK, null)).isEqualTo("invalid_grant");

      String code3 = Provider.code(browser, "spa", CALLBACK, challenge);
      JsonNode tokens = exchange(browser, code3, CALLBACK, VERIFIER);
      String access = tokens.get("access_token").asText();
      assertThat(forwardAuth(http, gh, access).statusCode()).isEqualTo(200);
      assertThat(forwardAuth(http, gh, access).headers().firstValue("Remote-User"))
          .hasValue("alice");
      assertThat(forwardAuth(http, gh, "eyJhbGciOiJub25lIn0.e30.").statusCode()).isEqualTo(401);

      assertThat(exchange(browser, code3, CALLBACK, VERIFIER).get("error").asText())
          .isEqualTo("invalid_grant");
      assertThat(forwardAuth(http, gh, access).statusCode()).isEqualTo(401);
      assertThat(browser.get("/oidc/userinfo").statusCode()).isEqualTo(401);
    }
  }

  private static HttpResponse<String> forwardAuth(HttpClient http, TestGatehouse gh, String bearer)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(gh.uri("/api/authz/forward-auth"))
            .header("X-Forwarded-Method", "GET")
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "app.example.test")
            .header("X-Forwarded-Uri", "/")
            .header("Accept", "application/json")
            .header("Authorization", "Bearer " + bearer)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(Browser browser, String code, String redirect, String verifier)
      throws Exception {
    return exchange(browser, code, redirect, verifier).get("error").asText();
  }

  private static JsonNode exchange(Browser browser, String code, String redirect, String verifier)
      throws Exception {
    Map<String, String> form = new HashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("client_id", "spa");
    form.put("code", code);
    form.put("redirect_uri", redirect);
    if (verifier != null) {
      form.put("code_verifier", verifier);
    }
    return Json.MAPPER.readTree(browser.post("/oidc/token", form).body());
  }
}
