package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceGrantIssuesTokensAfterApprovalTest {
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  @TempDir Path dir;

  @Test
  void pendingThenSlowDownThenTokensOnceApprovedInThePortal() throws Exception {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"tv\",\"public\":true,\"grant_types\":[\""
              + GRANT
              + "\",\"refresh_token\"],\"scopes\":[\"openid\",\"profile\"]}");
      Browser device = new Browser(gh.uri("/"));
      JsonNode start =
          json(
              device.post(
                  "/oidc/device_authorization",
                  Map.of("client_id", "tv", "scope", "openid profile")));
      String deviceCode = start.get("device_code").asText();
      String userCode = start.get("user_code").asText();
      assertThat(start.get("verification_uri").asText()).endsWith("/oidc/device");
      assertThat(start.get("interval").asInt()).isEqualTo(5);

      Map<String, String> poll =
          Map.of("grant_type", GRANT, "client_id", "tv", "device_code", deviceCode);
      assertThat(json(device.post("/oidc/token", poll)).get("error").asText())
          .isEqualTo("authorization_pending");
      assertThat(json(device.post("/oidc/token", poll)).get("error").asText())
          .isEqualTo("slow_down");

      // The user signs in through the portal and approves the code.
      Browser user = new Browser(gh.uri("/"));
      HttpResponse<String> toLogin =
          user.get("/oidc/device?user_code=" + userCode.toLowerCase(java.util.Locale.ROOT));
      assertThat(toLogin.statusCode()).isEqualTo(303);
      HttpResponse<String> back =
          user.signIn(Browser.location(toLogin), "alice", Provider.PASSWORD);
      HttpResponse<String> page = user.get(Browser.location(back));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains(userCode);
      Map<String, String> form = Browser.hiddenFields(page.body());
      form.put("decision", "allow");
      assertThat(user.post("/oidc/device", form).body()).contains("The device is connected");

      JsonNode tokens = json(device.post("/oidc/token", poll));
      assertThat(tokens.has("access_token")).as(tokens.toString()).isTrue();
      assertThat(tokens.has("id_token")).isTrue();
      assertThat(tokens.has("refresh_token")).isTrue();
      assertThat(json(device.post("/oidc/token", poll)).get("error").asText())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void deniedCodeAnswersAccessDenied() throws Exception {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"tv\",\"public\":true,\"grant_types\":[\""
              + GRANT
              + "\"],"
              + "\"scopes\":[\"openid\"]}");
      Browser device = new Browser(gh.uri("/"));
      JsonNode start = json(device.post("/oidc/device_authorization", Map.of("client_id", "tv")));
      Provider.decideDeviceCode(gh, start.get("user_code").asText(), "deny");
      JsonNode answer =
          json(
              device.post(
                  "/oidc/token",
                  Map.of(
                      "grant_type",
                      GRANT,
                      "client_id",
                      "tv",
                      "device_code",
                      start.get("device_code").asText())));
      assertThat(answer.get("error").asText()).isEqualTo("access_denied");
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }
}
