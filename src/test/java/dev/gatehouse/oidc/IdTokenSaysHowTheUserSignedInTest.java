package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ID token tells the relying party how the user signed in (RFC 8176 {@code amr}, {@code acr}
 * {@code 1fa} or {@code mfa}), through the real code flow. A client that asks for {@code mfa}
 * ({@code acr_values}, or {@code require_mfa} on the client) gets it: a one-factor session proves a
 * second factor on the step-up page first and comes back to the same authorize request; with {@code
 * prompt=none} there is no page to show, so the answer is {@code interaction_required}; and {@code
 * prompt=login} asks again for every factor the client needs, not just the password. A client that
 * requires {@code mfa} gets no more from the device flow than from the code flow.
 */
class IdTokenSaysHowTheUserSignedInTest {
  private static final String CALLBACK = "https://app.example.test/cb";
  private static final String CHALLENGE_VERIFIER = "v".repeat(43);
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final Pattern RD = Pattern.compile("name=\"rd\" value=\"([^\"]*)\"");

  @TempDir Path dir;

  @Test
  void passwordSignInIsOneFactor() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      String secret = client(gh, "app", false);

      HttpResponse<String> toLogin = alice.get(authorize("app", ""));
      assertThat(location(toLogin)).startsWith("/login?rd=%2Foidc%2Fauthorize");
      JsonNode tokens = exchange(gh, "app", secret, codeFrom(signIn(alice, toLogin)));

      JWTClaimsSet id = claims(tokens.get("id_token").asText());
      assertThat(id.getStringListClaim("amr")).containsExactly("pwd");
      assertThat(id.getStringClaim("acr")).isEqualTo("1fa");
      JWTClaimsSet access = claims(tokens.get("access_token").asText());
      assertThat(access.getStringClaim("acr")).isEqualTo("1fa");
      assertThat(access.getStringListClaim("amr")).containsExactly("pwd");
    }
  }

  @Test
  void oneFactorRefreshTokenStopsWhenItsClientStartsRequiringMfa() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      String secret = client(gh, "app", false);
      HttpResponse<String> toLogin = alice.get(authorize("app", ""));
      JsonNode tokens = exchange(gh, "app", secret, codeFrom(signIn(alice, toLogin)));
      Map<String, String> refresh =
          Map.of(
              "grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asText());

      assertThat(gh.patch("/api/admin/clients/app", "{\"require_mfa\":true}").status())
          .isEqualTo(200);
      HttpResponse<String> refused = tokenAnswer(gh, "app", secret, refresh);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(json(refused).get("error").asText()).isEqualTo("invalid_grant");
    }
  }

  @Test
  void acrValuesMfaStepsUpAOneFactorSessionAndRefreshKeepsWhatItProved() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      String secret = client(gh, "app", false);
      AuthenticatorApp app = enrolThenSignInWithPasswordOnly(alice, clock);

      String request = authorize("app", "&acr_values=mfa");
      HttpResponse<String> stepUp = alice.get(request);
      assertSentToStepUpFor(stepUp, request);
      JsonNode tokens = exchange(gh, "app", secret, codeFrom(verify(alice, stepUp, app, clock)));

      JWTClaimsSet id = claims(tokens.get("id_token").asText());
      assertThat(id.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
      assertThat(id.getStringClaim("acr")).isEqualTo("mfa");
      assertThat(claims(tokens.get("access_token").asText()).getStringClaim("acr"))
          .isEqualTo("mfa");

      // A refreshed token says what the original sign-in proved, not less.
      JsonNode refreshed =
          token(
              gh,
              "app",
              secret,
              Map.of(
                  "grant_type",
                  "refresh_token",
                  "refresh_token",
                  tokens.get("refresh_token").asText()));
      JWTClaimsSet refreshedId = claims(refreshed.get("id_token").asText());
      assertThat(refreshedId.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
      assertThat(refreshedId.getStringClaim("acr")).isEqualTo("mfa");
      JWTClaimsSet refreshedAccess = claims(refreshed.get("access_token").asText());
      assertThat(refreshedAccess.getStringClaim("acr")).isEqualTo("mfa");
      assertThat(refreshedAccess.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");

      // Now the session has two factors: asking for mfa again goes straight through.
      assertThat(location(alice.get(authorize("app", "&acr_values=mfa")))).startsWith(CALLBACK);
    }
  }

  @Test
  void clientThatRequiresMfaStepsUpWithoutAsking() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      String secret = client(gh, "strict", true);
      AuthenticatorApp app = enrolThenSignInWithPasswordOnly(alice, clock);

      String request = authorize("strict", "");
      HttpResponse<String> stepUp = alice.get(request);
      assertSentToStepUpFor(stepUp, request);
      JsonNode tokens = exchange(gh, "strict", secret, codeFrom(verify(alice, stepUp, app, clock)));

      JWTClaimsSet id = claims(tokens.get("id_token").asText());
      assertThat(id.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
      assertThat(id.getStringClaim("acr")).isEqualTo("mfa");
    }
  }

  @Test
  void deviceApprovalForAClientThatRequiresMfaStepsUpFirst() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      Provider.client(
          gh,
          "{\"client_id\":\"tv\",\"public\":true,\"require_mfa\":true,\"grant_types\":[\""
              + DEVICE_GRANT
              + "\"],\"scopes\":[\"openid\",\"profile\"]}");
      AuthenticatorApp app = enrolThenSignInWithPasswordOnly(alice, clock);
      JsonNode start =
          json(
              post(
                  gh,
                  "/oidc/device_authorization",
                  Map.of("client_id", "tv", "scope", "openid profile")));
      String userCode = start.get("user_code").asText();
      String devicePage =
          "/oidc/device?user_code=" + URLEncoder.encode(userCode, StandardCharsets.UTF_8);

      // The page sends a one-factor session to prove its second factor, and back to the code.
      HttpResponse<String> stepUp = alice.get(devicePage);
      assertThat(location(stepUp))
          .isEqualTo("/login/verify?rd=" + URLEncoder.encode(devicePage, StandardCharsets.UTF_8));
      // Posting the decision without the page does not approve it either.
      alice.get("/account");
      HttpResponse<String> forced =
          alice.submit("/oidc/device", Map.of("user_code", userCode, "decision", "allow"));
      assertThat(forced.statusCode()).isEqualTo(303);
      assertThat(location(forced)).startsWith("/login/verify?rd=");
      Map<String, String> poll =
          Map.of(
              "grant_type",
              DEVICE_GRANT,
              "client_id",
              "tv",
              "device_code",
              start.get("device_code").asText());
      assertThat(json(post(gh, "/oidc/token", poll)).get("error").asText())
          .isEqualTo("authorization_pending");

      HttpResponse<String> back = verify(alice, stepUp, app, clock);
      assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
      HttpResponse<String> approved =
          alice.submit("/oidc/device", Map.of("user_code", userCode, "decision", "allow"));
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(10));
      JsonNode tokens = json(post(gh, "/oidc/token", poll));
      assertThat(tokens.has("id_token")).as(tokens.toString()).isTrue();
      JWTClaimsSet id = claims(tokens.get("id_token").asText());
      assertThat(id.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
      assertThat(id.getStringClaim("acr")).isEqualTo("mfa");
    }
  }

  @Test
  void promptNoneCannotStepUpSoItAnswersInteractionRequired() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      client(gh, "app", false);
      client(gh, "strict", true);
      enrolThenSignInWithPasswordOnly(alice, clock);

      for (String request :
          List.of(
              authorize("app", "&prompt=none&acr_values=mfa"),
              authorize("strict", "&prompt=none"))) {
        String answer = location(alice.get(request));
        assertThat(answer).as(request).startsWith(CALLBACK + "?");
        assertThat(Browser.query(answer))
            .containsEntry("error", "interaction_required")
            .containsEntry("state", "s")
            .doesNotContainKey("code");
      }
      // One factor is enough where none is asked for: prompt=none then just works.
      assertThat(Browser.query(location(alice.get(authorize("app", "&prompt=none")))))
          .containsKey("code");
    }
  }

  @Test
  void promptLoginAsksAgainForEveryFactorTheClientNeeds() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = Provider.start(dir, Map.of(), clock);
        dev.gatehouse.testing.Browser alice = new dev.gatehouse.testing.Browser(gh)) {
      String strictSecret = client(gh, "strict", true);
      String appSecret = client(gh, "app", false);
      alice.login("alice", Provider.PASSWORD);
      AuthenticatorApp app = AuthenticatorApp.enrol(alice, "", clock).app();
      // A two-factor session now; nothing is asked without prompt=login.
      assertThat(location(alice.get(authorize("strict", "")))).startsWith(CALLBACK);

      // prompt=login: the password again, then the second factor again, then the code.
      clock.advance(Duration.ofSeconds(30));
      HttpResponse<String> toLogin = alice.get(authorize("strict", "&prompt=login"));
      assertThat(location(toLogin)).startsWith("/login?rd=%2Foidc%2Fauthorize");
      HttpResponse<String> back = signIn(alice, toLogin);
      assertSentToStepUpFor(back, authorize("strict", "&prompt=login"));
      JsonNode strict =
          exchange(gh, "strict", strictSecret, codeFrom(verify(alice, back, app, clock)));
      JWTClaimsSet id = claims(strict.get("id_token").asText());
      assertThat(id.getStringListClaim("amr")).contains("pwd", "otp", "mfa");
      assertThat(id.getStringClaim("acr")).isEqualTo("mfa");

      // A client that needs one factor: prompt=login asks for the password only, and says so.
      clock.advance(Duration.ofSeconds(30));
      HttpResponse<String> again = alice.get(authorize("app", "&prompt=login"));
      assertThat(location(again)).startsWith("/login?rd=%2Foidc%2Fauthorize");
      JsonNode plain = exchange(gh, "app", appSecret, codeFrom(signIn(alice, again)));
      JWTClaimsSet plainId = claims(plain.get("id_token").asText());
      assertThat(plainId.getStringListClaim("amr")).containsExactly("pwd");
      assertThat(plainId.getStringClaim("acr")).isEqualTo("1fa");
    }
  }

  @Test
  void discoveryListsTheAcrValuesAndClaims() {
    try (TestGatehouse gh = Provider.start(dir)) {
      JsonNode doc = gh.get("/.well-known/openid-configuration").json();
      assertThat(doc.get("acr_values_supported"))
          .extracting(JsonNode::asText)
          .containsExactly("mfa", "1fa");
      assertThat(doc.get("claims_supported")).extracting(JsonNode::asText).contains("acr", "amr");
    }
  }

  // ---- the flow, as a browser and a relying party drive it ----

  /** Creates a first-party confidential client; returns its secret. */
  private static String client(TestGatehouse gh, String id, boolean requireMfa) {
    return Provider.client(
            gh,
            "{\"client_id\":\""
                + id
                + "\",\"first_party\":true,\"require_mfa\":"
                + requireMfa
                + ",\"redirect_uris\":[\""
                + CALLBACK
                + "\"]}")
        .get("client_secret")
        .asText();
  }

  private static String authorize(String clientId, String extra) {
    return "/oidc/authorize?response_type=code&scope=openid&state=s&client_id="
        + clientId
        + "&redirect_uri="
        + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8)
        + "&code_challenge_method=S256&code_challenge="
        + challenge()
        + extra;
  }

  /**
   * Alice sets up an authenticator app (which makes her session two-factor), then signs out and in
   * again with her password: a one-factor session of a user who has a second factor.
   */
  private static AuthenticatorApp enrolThenSignInWithPasswordOnly(
      dev.gatehouse.testing.Browser alice, TestClock clock) {
    alice.login("alice", Provider.PASSWORD);
    AuthenticatorApp app = AuthenticatorApp.enrol(alice, "", clock).app();
    alice.submit("/logout", Map.of());
    assertThat(alice.login("alice", Provider.PASSWORD).headers().firstValue("Location"))
        .hasValue("/account");
    return app;
  }

  /**
   * Signs in on the login page {@code toLogin} points to; returns the authorize request's answer.
   */
  private static HttpResponse<String> signIn(
      dev.gatehouse.testing.Browser browser, HttpResponse<String> toLogin) {
    HttpResponse<String> page = browser.get(location(toLogin));
    HttpResponse<String> signedIn =
        browser.submit(
            "/login",
            Map.of("username", "alice", "password", Provider.PASSWORD, "rd", rd(page.body())));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(location(signedIn)).startsWith("/oidc/authorize?");
    return browser.get(location(signedIn));
  }

  /**
   * Proves the app's code on the step-up page {@code toVerify} points to; returns the authorize
   * request's answer.
   */
  private static HttpResponse<String> verify(
      dev.gatehouse.testing.Browser browser,
      HttpResponse<String> toVerify,
      AuthenticatorApp app,
      TestClock clock) {
    clock.advance(Duration.ofSeconds(30));
    HttpResponse<String> page = browser.get(location(toVerify));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    HttpResponse<String> verified =
        browser.submit(
            "/login/verify", Map.of("rd", rd(page.body()), "method", "totp", "code", app.code()));
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(303);
    assertThat(location(verified)).startsWith("/oidc/");
    return browser.get(location(verified));
  }

  /**
   * {@code answer} sends the browser to the step-up page, and from there back to {@code request}.
   */
  private static void assertSentToStepUpFor(HttpResponse<String> answer, String request) {
    String stepUp = location(answer);
    assertThat(stepUp).startsWith("/login/verify?rd=%2Foidc%2Fauthorize%3F");
    String back = Browser.query(stepUp).get("rd");
    assertThat(Browser.query(back)).containsAllEntriesOf(Browser.query(request));
  }

  private static String codeFrom(HttpResponse<String> answer) {
    String redirect = location(answer);
    assertThat(redirect).startsWith(CALLBACK + "?");
    String code = Browser.query(redirect).get("code");
    assertThat(code).as(redirect).isNotNull();
    return code;
  }

  private static JsonNode exchange(TestGatehouse gh, String clientId, String secret, String code)
      throws Exception {
    return token(
        gh,
        clientId,
        secret,
        Map.of(
            "grant_type",
            "authorization_code",
            "code",
            code,
            "redirect_uri",
            CALLBACK,
            "code_verifier",
            CHALLENGE_VERIFIER));
  }

  private static JsonNode token(
      TestGatehouse gh, String clientId, String secret, Map<String, String> form) throws Exception {
    HttpResponse<String> answer = tokenAnswer(gh, clientId, secret, form);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return Json.MAPPER.readTree(answer.body());
  }

  private static HttpResponse<String> tokenAnswer(
      TestGatehouse gh, String clientId, String secret, Map<String, String> form) throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                        + ":"
                        + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(gh.uri("/oidc/token"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Authorization", "Basic " + basic)
              .POST(HttpRequest.BodyPublishers.ofString(Browser.encode(form)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static HttpResponse<String> post(TestGatehouse gh, String path, Map<String, String> form)
      throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(gh.uri(path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(Browser.encode(form)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  private static JWTClaimsSet claims(String jwt) throws Exception {
    return SignedJWT.parse(jwt).getJWTClaimsSet();
  }

  private static String challenge() {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(CHALLENGE_VERIFIER.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code rd} a page's form carries back, as a browser would send it. */
  private static String rd(String page) {
    Matcher rd = RD.matcher(page);
    assertThat(rd.find()).as(page).isTrue();
    return unescape(rd.group(1));
  }

  private static String unescape(String attribute) {
    Matcher entity = Pattern.compile("&#([0-9]+);").matcher(attribute);
    String numeric =
        entity.replaceAll(
            e -> Matcher.quoteReplacement(Character.toString(Integer.parseInt(e.group(1)))));
    return numeric
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private static String location(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Location")
        .orElseThrow(() -> new AssertionError(response.statusCode() + " " + response.body()));
  }
}
