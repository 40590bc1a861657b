package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on every endpoint gets the protocol's own error, never a 5xx. {@code expect} is the
 * {@code error} of a JSON body, the {@code error} of a redirect's query, or text of an error page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryEndpointAnswersBadInputWithItsProtocolErrorTest {
  private static final String CB = "https%3A%2F%2Fapp.example.test%2Fcb";
  private static final String OK_AUTHZ =
      "/oidc/authorize?client_id=web&redirect_uri="
          + CB
          + "&response_type=code&scope=openid"
          + "&state=xyz&code_challenge_method=S256&code_challenge="
          + "A".repeat(43);
  private static final String LONG = "x".repeat(5000);
  private static final String ASSERTION =
      "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
          + "&client_assertion=";

  private TestGatehouse gh;
  private String secret;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    gh = Provider.start(Files.createTempDirectory("gh-oidc-errors"));
    secret =
        Provider.client(
                gh,
                "{\"client_id\":\"web\",\"redirect_uris\":[\"https://app.example.test/cb\"],"
                    + "\"post_logout_redirect_uris\":[\"https://app.example.test/bye\"],"
                    + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
                    + "\"scopes\":[\"openid\",\"profile\"]}")
            .get("client_secret")
            .asText();
    Provider.client(
        gh,
        "{\"client_id\":\"pub\",\"public\":true,\"redirect_uris\":[\"https://app.example.test/cb\"]}");
  }

  @AfterAll
  void stop() {
    gh.close();
    http.close();
  }

  static Stream<Arguments> cases() {
    String basic = "GOOD";
    String wrong = "Basic " + b64("web:wrong");
    return Stream.of(
        // authorize: client or redirect_uri not trusted → an error page, never a redirect
        get("authorize without client_id", "/oidc/authorize?response_type=code", 400, "client_id"),
        get(
            "authorize unknown client",
            "/oidc/authorize?client_id=nope&redirect_uri=" + CB,
            400,
            "not registered"),
        get(
            "authorize unregistered redirect_uri",
            "/oidc/authorize?client_id=web&response_type=code&redirect_uri=https%3A%2F%2Fevil.test",
            400,
            "redirect_uri"),
        get(
            "authorize redirect_uri differs by a slash",
            "/oidc/authorize?client_id=web&response_type=code&redirect_uri=" + CB + "%2F",
            400,
            "redirect_uri"),
        get("authorize without redirect_uri", "/oidc/authorize?client_id=web", 400, "redirect_uri"),
        get(
            "authorize oversized client_id",
            "/oidc/authorize?client_id=" + LONG.substring(0, 300),
            400,
            "not registered"),
        get(
            "URL beyond the server's limit",
            OK_AUTHZ + "&x=" + LONG + LONG,
            414,
            "invalid_request"),
        // authorize: trusted → redirect with error and state
        get(
            "response_type token",
            OK_AUTHZ.replace("response_type=code", "response_type=token"),
            303,
            "unsupported_response_type"),
        get(
            "no response_type",
            OK_AUTHZ.replace("response_type=code&", ""),
            303,
            "invalid_request"),
        get("plain PKCE", OK_AUTHZ.replace("S256", "plain"), 303, "invalid_request"),
        get(
            "no PKCE",
            OK_AUTHZ.replace("&code_challenge_method=S256&code_challenge=", "&x="),
            303,
            "invalid_request"),
        get(
            "short code_challenge",
            OK_AUTHZ.replace("A".repeat(43), "AAA"),
            303,
            "invalid_request"),
        get(
            "scope not allowed",
            OK_AUTHZ.replace("scope=openid", "scope=openid%20admin"),
            303,
            "invalid_scope"),
        get("no scope", OK_AUTHZ.replace("scope=openid&", ""), 303, "invalid_scope"),
        get("repeated parameter", OK_AUTHZ + "&scope=openid", 303, "invalid_request"),
        get("bad prompt", OK_AUTHZ + "&prompt=sometimes", 303, "invalid_request"),
        get("prompt none and login", OK_AUTHZ + "&prompt=none%20login", 303, "invalid_request"),
        get("prompt none signed out", OK_AUTHZ + "&prompt=none", 303, "login_required"),
        get("max_age not a number", OK_AUTHZ + "&max_age=soon", 303, "invalid_request"),
        get("negative max_age", OK_AUTHZ + "&max_age=-1", 303, "invalid_request"),
        get(
            "oversized state",
            OK_AUTHZ.replace("state=xyz", "state=" + LONG.substring(0, 1500)),
            303,
            "invalid_request"),
        get(
            "oversized login_hint",
            OK_AUTHZ + "&login_hint=" + LONG.substring(0, 300),
            303,
            "invalid_request"),
        get("request object", OK_AUTHZ + "&request=eyJ.e30.x", 303, "request_not_supported"),
        get("bad response_mode", OK_AUTHZ + "&response_mode=fragment", 303, "invalid_request"),
        post(
            "authorize with a JSON body",
            "/oidc/authorize",
            "application/json",
            "{}",
            null,
            400,
            "form-urlencoded"),
        post(
            "consent without csrf",
            "/oidc/authorize/consent",
            FORM,
            "client_id=web",
            null,
            403,
            "expired"),
        // token
        post(
            "token JSON body",
            "/oidc/token",
            "application/json",
            "{}",
            basic,
            400,
            "invalid_request"),
        post(
            "token without client",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials",
            null,
            401,
            "invalid_client"),
        post(
            "token wrong secret",
            "/oidc/token",
            FORM,
            "grant_type=authorization_code",
            wrong,
            401,
            "invalid_client"),
        post(
            "token garbage basic",
            "/oidc/token",
            FORM,
            "grant_type=x",
            "Basic !!!",
            401,
            "invalid_client"),
        post(
            "token wrong secret post",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&client_id=web&client_secret=nope&refresh_token=x",
            null,
            401,
            "invalid_client"),
        post(
            "token public client with unknown id",
            "/oidc/token",
            FORM,
            "grant_type=authorization_code&client_id=" + LONG.substring(0, 300),
            null,
            401,
            "invalid_client"),
        post("token no grant_type", "/oidc/token", FORM, "code=x", basic, 400, "invalid_request"),
        post(
            "token unknown grant_type",
            "/oidc/token",
            FORM,
            "grant_type=password",
            basic,
            400,
            "unsupported_grant_type"),
        post(
            "token grant not allowed",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials",
            basic,
            400,
            "unauthorized_client"),
        post(
            "token code missing",
            "/oidc/token",
            FORM,
            "grant_type=authorization_code&redirect_uri=" + CB,
            basic,
            400,
            "invalid_request"),
        post(
            "token unknown code",
            "/oidc/token",
            FORM,
            "grant_type=authorization_code&code=nope&redirect_uri=" + CB,
            basic,
            400,
            "invalid_grant"),
        post(
            "token short verifier",
            "/oidc/token",
            FORM,
            "grant_type=authorization_code&code=nope&code_verifier=short&redirect_uri=" + CB,
            basic,
            400,
            "invalid_request"),
        post(
            "token garbage refresh",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&refresh_token=" + LONG.substring(0, 2000),
            basic,
            400,
            "invalid_grant"),
        post(
            "token refresh scope not allowed",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&refresh_token=x&scope=admin",
            basic,
            400,
            "invalid_scope"),
        post(
            "token oversized parameter",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&refresh_token=" + LONG,
            basic,
            400,
            "invalid_request"),
        post(
            "token repeated parameter",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&grant_type=refresh_token",
            basic,
            400,
            "invalid_request"),
        post(
            "token two auth methods",
            "/oidc/token",
            FORM,
            "grant_type=refresh_token&client_secret=x",
            basic,
            400,
            "invalid_request"),
        post(
            "token bad percent-encoding",
            "/oidc/token",
            FORM,
            "grant_type=%zz",
            basic,
            400,
            "invalid_request"),
        post(
            "token device grant not allowed",
            "/oidc/token",
            FORM,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x",
            basic,
            400,
            "unauthorized_client"),
        // client assertions (RFC 7523): never a 5xx, whatever the assertion holds
        post(
            "token client_assertion without its type",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&client_assertion=a.b.c",
            null,
            400,
            "invalid_request"),
        post(
            "token unknown client_assertion_type",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&client_assertion_type=saml&client_assertion=x",
            null,
            401,
            "invalid_client"),
        post(
            "token garbage client_assertion",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&" + ASSERTION + "a.b.c",
            null,
            401,
            "invalid_client"),
        post(
            "token unsigned client_assertion",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&" + ASSERTION + "eyJhbGciOiJub25lIn0.e30.",
            null,
            401,
            "invalid_client"),
        post(
            "token oversized client_assertion",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&" + ASSERTION + LONG,
            null,
            400,
            "invalid_request"),
        post(
            "token client_assertion and Basic",
            "/oidc/token",
            FORM,
            "grant_type=client_credentials&" + ASSERTION + "a.b.c",
            basic,
            400,
            "invalid_request"),
        post(
            "introspect garbage client_assertion",
            "/oidc/introspect",
            FORM,
            "token=x&" + ASSERTION + "e30.e30.e30",
            null,
            401,
            "invalid_client"),
        post(
            "revoke garbage client_assertion",
            "/oidc/revoke",
            FORM,
            "token=x&" + ASSERTION + "%7B%7D",
            null,
            401,
            "invalid_client"),
        post(
            "device flow garbage client_assertion",
            "/oidc/device_authorization",
            FORM,
            ASSERTION + "x.y",
            null,
            401,
            "invalid_client"),
        // userinfo
        get("userinfo without token", "/oidc/userinfo", 401, "invalid_request"),
        getBearer("userinfo garbage JWT", "/oidc/userinfo", "a.b.c", 401, "invalid_token"),
        getBearer(
            "userinfo unsigned JWT",
            "/oidc/userinfo",
            "eyJhbGciOiJub25lIn0.e30.",
            401,
            "invalid_token"),
        getBearer(
            "userinfo oversized token",
            "/oidc/userinfo",
            LONG + "." + LONG + ".x",
            401,
            "invalid_token"),
        // introspection and revocation
        post(
            "introspect public client",
            "/oidc/introspect",
            FORM,
            "client_id=pub&token=x",
            null,
            401,
            "invalid_client"),
        post(
            "introspect without token",
            "/oidc/introspect",
            FORM,
            "",
            basic,
            400,
            "invalid_request"),
        post(
            "introspect garbage",
            "/oidc/introspect",
            FORM,
            "token=a.b.c",
            basic,
            200,
            "\"active\":false"),
        post("revoke garbage", "/oidc/revoke", FORM, "token=nothing", basic, 200, ""),
        post("revoke without token", "/oidc/revoke", FORM, "", basic, 400, "invalid_request"),
        // device authorization
        post(
            "device flow not allowed",
            "/oidc/device_authorization",
            FORM,
            "client_id=pub",
            null,
            400,
            "unauthorized_client"),
        // logout
        get("logout garbage hint", "/oidc/logout?id_token_hint=a.b.c", 400, "id_token_hint"),
        get(
            "logout unregistered target",
            "/oidc/logout?client_id=web&post_logout_redirect_uri=https%3A%2F%2Fevil.test",
            400,
            "post_logout_redirect_uri"),
        // discovery and JWKS ignore what they do not need
        get(
            "discovery",
            "/.well-known/openid-configuration?x=" + LONG.substring(0, 100),
            200,
            "authorization_endpoint"),
        get("jwks", "/.well-known/jwks.json", 200, "\"keys\""));
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersWithTheProtocolsError(
      String name,
      String method,
      String path,
      @Nullable String contentType,
      @Nullable String body,
      @Nullable String authorization,
      int status,
      String expect)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gh.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (authorization != null) {
      request.header(
          "Authorization",
          authorization.equals("GOOD") ? "Basic " + b64("web:" + secret) : authorization);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 303) {
      String location = response.headers().firstValue("Location").orElseThrow();
      assertThat(location).startsWith("https://app.example.test/cb?");
      assertThat(Browser.query(location)).containsEntry("error", expect);
      if (!name.equals("oversized state")) {
        assertThat(Browser.query(location)).containsEntry("state", "xyz");
      }
      return;
    }
    assertThat(response.headers().firstValue("Location")).isEmpty();
    if (response.headers().firstValue("Content-Type").orElse("").contains("json")) {
      var json = Json.MAPPER.readTree(response.body());
      if (json.has("error")) {
        assertThat(json.get("error").asText()).isEqualTo(expect);
        assertThat(response.headers().firstValue("Cache-Control")).isPresent();
        return;
      }
    }
    assertThat(response.body()).contains(expect);
  }

  private static Arguments get(String name, String path, int status, String expect) {
    return Arguments.of(name, "GET", path, null, null, null, status, expect);
  }

  private static Arguments getBearer(
      String name, String path, String token, int status, String expect) {
    return Arguments.of(name, "GET", path, null, null, "Bearer " + token, status, expect);
  }

  private static Arguments post(
      String name,
      String path,
      String contentType,
      String body,
      @Nullable String authorization,
      int status,
      String expect) {
    return Arguments.of(name, "POST", path, contentType, body, authorization, status, expect);
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
