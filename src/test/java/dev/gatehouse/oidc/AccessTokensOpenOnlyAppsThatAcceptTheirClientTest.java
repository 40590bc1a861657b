package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 2: a device-flow access token of a public "tv" client opened every app. An app
 * now accepts {@code Authorization: Bearer} access tokens only from the clients it lists, and only
 * with every scope it requires; by default from none.
 */
class AccessTokensOpenOnlyAppsThatAcceptTheirClientTest {
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  @TempDir static Path dir;
  static TestGatehouse gh;
  static Proxy proxy;

  @BeforeAll
  static void start() {
    gh = Provider.start(dir);
    proxy = new Proxy(gh);
    for (String client : new String[] {"tv", "media"}) {
      Provider.client(
          gh,
          "{\"client_id\":\""
              + client
              + "\",\"public\":true,\"grant_types\":[\""
              + GRANT
              + "\"],\"scopes\":[\"openid\",\"profile\"]}");
    }
    String rule = "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]";
    gh.createApp("{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"]," + rule + "}");
    gh.createApp(
        "{\"name\":\"photos\",\"hosts\":[\"photos.example.test\"],"
            + "\"bearer_tokens\":{\"clients\":[\"tv\"],\"scopes\":[\"profile\"]},"
            + rule
            + "}");
    gh.createApp(
        "{\"name\":\"music\",\"hosts\":[\"music.example.test\"],"
            + "\"bearer_tokens\":{\"clients\":[\"media\"]},"
            + rule
            + "}");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    gh.close();
  }

  @Test
  void aTokenOpensOnlyTheAppsThatListItsClientAndScopes() throws Exception {
    String tvProfile = "Bearer " + deviceToken("tv", "openid profile");
    String tvOpenid = "Bearer " + deviceToken("tv", "openid");
    String media = "Bearer " + deviceToken("media", "openid");

    assertThat(status("wiki", tvProfile)).as("an app that accepts no token").isEqualTo(401);
    assertThat(status("photos", tvProfile)).as("client and scope listed").isEqualTo(200);
    assertThat(status("photos", tvOpenid)).as("required scope missing").isEqualTo(401);
    assertThat(status("photos", media)).as("another client").isEqualTo(401);
    assertThat(status("music", media)).as("client listed, no scope required").isEqualTo(200);
    assertThat(status("music", tvProfile)).isEqualTo(401);
    assertThat(
            proxy
                .forwardAuth(
                    "GET",
                    "https://unknown.example.test/",
                    "Accept",
                    "application/json",
                    "Authorization",
                    tvProfile)
                .statusCode())
        .as("a host no app serves: the default policy, tokens or not")
        .isEqualTo(403);
  }

  @Test
  void bearerTokenSettingsAreValidatedNamingTheField() {
    TestGatehouse.Response noClient =
        gh.post(
            "/api/admin/apps",
            "{\"name\":\"bad\",\"hosts\":[\"bad.example.test\"],"
                + "\"bearer_tokens\":{\"scopes\":[\"profile\"]}}");
    assertThat(noClient.status()).isEqualTo(400);
    assertThat(noClient.json().get("field").asText()).isEqualTo("bearer_tokens.clients");
    TestGatehouse.Response spaced =
        gh.post(
            "/api/admin/apps",
            "{\"name\":\"bad\",\"hosts\":[\"bad.example.test\"],"
                + "\"bearer_tokens\":{\"clients\":[\"tv\"],\"scopes\":[\"a b\"]}}");
    assertThat(spaced.status()).isEqualTo(400);
    assertThat(spaced.json().get("field").asText()).isEqualTo("bearer_tokens.scopes[0]");
  }

  private static int status(String app, String authorization) {
    return proxy
        .forwardAuth(
            "GET",
            "https://" + app + ".example.test/",
            "Accept",
            "application/json",
            "Authorization",
            authorization)
        .statusCode();
  }

  /** An access token for alice through the device flow of {@code client}. */
  private static String deviceToken(String client, String scope) throws Exception {
    Browser device = new Browser(gh.uri("/"));
    JsonNode start =
        json(
            device.post("/oidc/device_authorization", Map.of("client_id", client, "scope", scope)));
    Provider.decideDeviceCode(gh, start.get("user_code").asText(), "allow");
    JsonNode tokens =
        json(
            device.post(
                "/oidc/token",
                Map.of(
                    "grant_type",
                    GRANT,
                    "client_id",
                    client,
                    "device_code",
                    start.get("device_code").asText())));
    assertThat(tokens.has("access_token")).as(tokens.toString()).isTrue();
    return tokens.get("access_token").asText();
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }
}
