package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password change (by an admin, or by the user on the account page) and disabling a user end
 * every credential derived from the old password: sessions, paired devices, refresh token families
 * and the access tokens issued from them. The very next decision and token request see it.
 */
class PasswordChangeRevokesEveryCredentialTest {
  private static final String PAGE = "https://wiki.example.test/page";
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  @TempDir Path dir;

  /** Alice, signed in from a browser, with a paired device and OIDC tokens of the tv client. */
  record World(
      TestGatehouse gh,
      Proxy proxy,
      Browser alice,
      String userId,
      String session,
      String device,
      String accessToken,
      String refreshToken,
      String rsSecret) {}

  private World world(TestGatehouse gh, Proxy proxy, Browser alice) {
    String userId = gh.createUser("alice", "alice-password", "staff");
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"bearer_tokens\":{\"clients\":[\"tv\"]},"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
    created(
        gh.post(
            "/api/admin/clients",
            "{\"client_id\":\"tv\",\"name\":\"tv\",\"public\":true,\"grant_types\":[\""
                + DEVICE_GRANT
                + "\",\"refresh_token\"],\"scopes\":[\"openid\"]}"));
    String rsSecret =
        created(
                gh.post(
                    "/api/admin/clients",
                    "{\"client_id\":\"rs\",\"name\":\"rs\","
                        + "\"token_endpoint_auth_method\":\"client_secret_post\",\"grant_types\":"
                        + "[\"client_credentials\"],\"scopes\":[]}"))
            .get("client_secret")
            .asText();
    assertThat(alice.login("alice", "alice-password").statusCode()).isEqualTo(303);
    String device = alice.pairDevice("laptop").token();

    JsonNode start = token(alice, "/oidc/device_authorization", Map.of("client_id", "tv"));
    HttpResponse<String> approved =
        alice.submit(
            "/oidc/device",
            Map.of("user_code", start.get("user_code").asText(), "decision", "allow"));
    assertThat(approved.body()).contains("The device is connected");
    JsonNode tokens =
        token(
            alice,
            Map.of(
                "grant_type",
                DEVICE_GRANT,
                "client_id",
                "tv",
                "device_code",
                start.get("device_code").asText()));
    assertThat(tokens.has("refresh_token")).as(tokens.toString()).isTrue();

    World w =
        new World(
            gh,
            proxy,
            alice,
            userId,
            alice.cookie("gh_session"),
            device,
            tokens.get("access_token").asText(),
            tokens.get("refresh_token").asText(),
            rsSecret);
    assertThat(sessionDecision(w)).isEqualTo(200);
    assertThat(bearerDecision(w, w.device())).isEqualTo(200);
    assertThat(bearerDecision(w, w.accessToken())).isEqualTo(200);
    assertThat(introspect(w, w.accessToken()).get("active").asBoolean()).isTrue();
    return w;
  }

  @Test
  void adminPasswordChangeEndsSessionsDevicesAndTokensBeforeTheCallReturns() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      World w = world(gh, proxy, alice);

      assertThat(
              gh.patch("/api/admin/users/" + w.userId(), "{\"password\":\"a-new-password\"}")
                  .status())
          .isEqualTo(200);

      assertEverythingRevoked(w);
    }
  }

  @Test
  void disablingEndsRefreshTokensForGoodEvenOnceReEnabled() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      World w = world(gh, proxy, alice);

      assertThat(gh.patch("/api/admin/users/" + w.userId(), "{\"disabled\":true}").status())
          .isEqualTo(200);
      assertThat(gh.patch("/api/admin/users/" + w.userId(), "{\"disabled\":false}").status())
          .isEqualTo(200);

      assertEverythingRevoked(w);
    }
  }

  @Test
  void ownPasswordChangeKeepsThisSessionAndEndsTheRest() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser otherBrowser = new Browser(gh)) {
      World w = world(gh, proxy, alice);
      assertThat(otherBrowser.login("alice", "alice-password").statusCode()).isEqualTo(303);
      String other = "gh_session=" + otherBrowser.cookie("gh_session");

      HttpResponse<String> wrong =
          alice.submit(
              "/account/password",
              Map.of("current_password", "not-her-password", "new_password", "a-new-password"));
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", other).statusCode()).isEqualTo(200);
      HttpResponse<String> tooShort =
          alice.submit(
              "/account/password",
              Map.of("current_password", "alice-password", "new_password", "short"));
      assertThat(tooShort.statusCode()).isEqualTo(400);
      assertThat(tooShort.body()).contains("8-1024 characters");
      HttpResponse<String> noCsrf =
          alice.post(
              "/account/password",
              Map.of("current_password", "alice-password", "new_password", "a-new-password"));
      assertThat(noCsrf.statusCode()).isEqualTo(403);

      HttpResponse<String> changed =
          alice.submit(
              "/account/password",
              Map.of("current_password", "alice-password", "new_password", "a-new-password"));
      assertThat(changed.statusCode()).isEqualTo(303);

      assertThat(sessionDecision(w)).isEqualTo(200);
      assertThat(alice.get("/account").statusCode()).isEqualTo(200);
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", other).statusCode()).isEqualTo(401);
      assertThat(bearerDecision(w, w.device())).isEqualTo(401);
      assertThat(refresh(w).get("error").asText()).isEqualTo("invalid_grant");
      assertThat(bearerDecision(w, w.accessToken())).isEqualTo(401);
      try (Browser again = new Browser(gh)) {
        assertThat(again.login("alice", "alice-password").statusCode()).isEqualTo(401);
        assertThat(again.login("alice", "a-new-password").statusCode()).isEqualTo(303);
      }
    }
  }

  private static void assertEverythingRevoked(World w) {
    assertThat(sessionDecision(w)).isEqualTo(401);
    assertThat(bearerDecision(w, w.device())).isEqualTo(401);
    assertThat(bearerDecision(w, w.accessToken())).isEqualTo(401);
    assertThat(introspect(w, w.accessToken()).get("active").asBoolean()).isFalse();
    assertThat(refresh(w).get("error").asText()).isEqualTo("invalid_grant");
  }

  private static int sessionDecision(World w) {
    return w.proxy().forwardAuth("GET", PAGE, "Cookie", "gh_session=" + w.session()).statusCode();
  }

  private static int bearerDecision(World w, String token) {
    return w.proxy().forwardAuth("GET", PAGE, "Authorization", "Bearer " + token).statusCode();
  }

  private static JsonNode refresh(World w) {
    return token(
        w.alice(),
        Map.of(
            "grant_type", "refresh_token", "client_id", "tv", "refresh_token", w.refreshToken()));
  }

  private static JsonNode introspect(World w, String token) {
    return token(
        w.alice(),
        "/oidc/introspect",
        Map.of("client_id", "rs", "client_secret", w.rsSecret(), "token", token));
  }

  private static JsonNode token(Browser browser, Map<String, String> form) {
    return token(browser, "/oidc/token", form);
  }

  private static JsonNode token(Browser browser, String path, Map<String, String> form) {
    try {
      return Json.MAPPER.readTree(browser.post(path, form).body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode created(TestGatehouse.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json();
  }
}
