package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials that outlive the sign-in they came from carry what it proved: a device paired from a
 * one-factor session is a one-factor credential however often it is used, and an access token
 * passes a {@code two_factor} rule only when its {@code acr} says {@code mfa}. Both still pass an
 * {@code authenticated} rule, so the refusal is about the second factor and nothing else.
 */
class DevicesAndTokensPassTwoFactorRulesOnlyWhenTheirSignInDidTest {
  private static final String OPEN = "https://vault.example.test/open/page";
  private static final String VAULT = "https://vault.example.test/secrets";
  private static final String CALLBACK = "https://rp.example.test/cb";
  private static final String VERIFIER = "w".repeat(43);

  @TempDir Path dir;

  @Test
  void devicesPassOnlyWhenPairedFromATwoFactorSession() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser bob = new Browser(gh)) {
      createVault(gh);
      gh.createUser("alice", "alice-password");
      gh.createUser("bob", "bob-password");
      alice.login("alice", "alice-password");
      String oneFactor = alice.pairDevice("alice's laptop").token();
      bob.login("bob", "bob-password");
      AuthenticatorApp.enrol(bob, "", clock);
      bob.get("/account"); // on from the recovery codes, as a person would: a fresh form token
      String twoFactor = bob.pairDevice("bob's laptop").token();

      assertThat(status(proxy, OPEN, oneFactor)).isEqualTo(200);
      assertThat(status(proxy, VAULT, oneFactor)).isEqualTo(401);
      assertThat(status(proxy, OPEN, twoFactor)).isEqualTo(200);
      assertThat(status(proxy, VAULT, twoFactor)).isEqualTo(200);

      // Stepping the session up later does not upgrade a device paired before.
      AuthenticatorApp.enrol(alice, "", clock);
      assertThat(proxy.forwardAuth("GET", VAULT, "Cookie", alice.cookieHeader()).statusCode())
          .isEqualTo(200);
      assertThat(status(proxy, VAULT, oneFactor)).isEqualTo(401);
    }
  }

  @Test
  void accessTokensPassOnlyWhenTheirAcrIsMfa() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser bob = new Browser(gh)) {
      createVault(gh);
      TestGatehouse.Response client =
          gh.post(
              "/api/admin/clients",
              "{\"client_id\":\"rp\",\"first_party\":true,\"redirect_uris\":[\""
                  + CALLBACK
                  + "\"]}");
      assertThat(client.status()).as(client.body()).isEqualTo(201);
      String secret = client.json().get("client_secret").asText();
      gh.createUser("alice", "alice-password");
      gh.createUser("bob", "bob-password");
      alice.login("alice", "alice-password");
      bob.login("bob", "bob-password");
      AuthenticatorApp.enrol(bob, "", clock);

      String oneFactor = accessToken(gh, alice, secret);
      String twoFactor = accessToken(gh, bob, secret);
      assertThat(acr(oneFactor)).isEqualTo("1fa");
      assertThat(acr(twoFactor)).isEqualTo("mfa");

      assertThat(status(proxy, OPEN, oneFactor)).isEqualTo(200);
      assertThat(status(proxy, VAULT, oneFactor)).isEqualTo(401);
      assertThat(status(proxy, OPEN, twoFactor)).isEqualTo(200);
      assertThat(status(proxy, VAULT, twoFactor)).isEqualTo(200);
    }
  }

  private static void createVault(TestGatehouse gh) {
    gh.createApp(
        """
        {"name":"vault","hosts":["vault.example.test"],
         "bearer_tokens":{"clients":["rp"]},
         "rules":[
          {"path":"/open","policy":"authenticated"},
          {"path":"/","policy":"two_factor"}]}""");
  }

  /** An API call (not a page load) with {@code Authorization: Bearer}: allowed or 401. */
  private static int status(Proxy proxy, String url, String bearer) {
    return proxy
        .forwardAuth("GET", url, "Accept", "application/json", "Authorization", "Bearer " + bearer)
        .statusCode();
  }

  /**
   * The code flow for the browser's signed-in user: authorize, then the code at the token endpoint.
   */
  private static String accessToken(TestGatehouse gh, Browser browser, String secret)
      throws Exception {
    String challenge =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(VERIFIER.getBytes(StandardCharsets.US_ASCII)));
    HttpResponse<String> answer =
        browser.get(
            "/oidc/authorize?response_type=code&scope=openid&state=s&client_id=rp&redirect_uri="
                + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8)
                + "&code_challenge_method=S256&code_challenge="
                + challenge);
    String redirect = answer.headers().firstValue("Location").orElseThrow();
    assertThat(redirect).startsWith(CALLBACK + "?code=");
    String code = null;
    for (String pair : URI.create(redirect).getRawQuery().split("&")) {
      if (pair.startsWith("code=")) {
        code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    String form =
        "grant_type=authorization_code&code="
            + URLEncoder.encode(String.valueOf(code), StandardCharsets.UTF_8)
            + "&redirect_uri="
            + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8)
            + "&code_verifier="
            + VERIFIER;
    String basic =
        Base64.getEncoder()
            .encodeToString(
                ("rp:" + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> tokens =
          http.send(
              HttpRequest.newBuilder(gh.uri("/oidc/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Authorization", "Basic " + basic)
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
      return Json.MAPPER.readTree(tokens.body()).get("access_token").asText();
    }
  }

  private static String acr(String jwt) throws Exception {
    JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    return claims.get("acr").asText();
  }
}
