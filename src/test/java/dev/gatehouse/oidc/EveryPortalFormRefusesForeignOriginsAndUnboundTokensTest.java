package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every state-changing form of the portal (login, logout, account actions, pairing, consent, device
 * approval, logout confirmation), each tried four ways on a fresh setup: as the page rendered it
 * from the portal's own origin (takes effect); from a foreign {@code Origin}; with {@code
 * Sec-Fetch-Site: cross-site}; and with a cookie and field pair planted by a sibling host, equal to
 * each other but not derived from the browser's session (all three refused, no effect).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryPortalFormRefusesForeignOriginsAndUnboundTokensTest {
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final String CALLBACK = "https://rp.example.test/cb";
  private static final Pattern SESSION_REVOKE =
      Pattern.compile("/account/sessions/([^/\"]+)/revoke");
  private static final Pattern DEVICE_REVOKE = Pattern.compile("/account/devices/([^/\"]+)/revoke");
  private static final Pattern PAIRING_CODE =
      Pattern.compile("<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>");
  private static final String PLANTED = "A".repeat(43);
  private static final String CONSENT =
      "/oidc/authorize?response_type=code&scope=openid&client_id=rp&state=s&prompt=consent"
          + "&code_challenge_method=S256&code_challenge="
          + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&redirect_uri="
          + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8);

  @TempDir static Path dir;
  private TestGatehouse gh;
  private String origin;

  /** A form as its page rendered it, where it posts, and how to tell that it took effect. */
  private record Attempt(
      Browser browser,
      String path,
      Map<String, String> fields,
      int refusedStatus,
      Predicate<HttpResponse<String>> tookEffect) {}

  /** One form of the portal: how to reach it as a user would. */
  private record Form(String name, java.util.function.Function<Setup, Attempt> open) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** How a submission is sent. */
  enum Way {
    SAME_ORIGIN,
    FOREIGN_ORIGIN,
    CROSS_SITE_FETCH,
    PLANTED_PAIR
  }

  /** What a form's setup needs. */
  private record Setup(TestGatehouse gh) {
    Browser signedIn() {
      Browser b = new Browser(gh.uri("/"));
      b.signIn("/login", "alice", Provider.PASSWORD);
      return b;
    }
  }

  @BeforeAll
  void start() {
    gh = Provider.start(dir);
    origin = "http://127.0.0.1:" + gh.uri("/").getPort();
    Provider.client(
        gh,
        "{\"client_id\":\"rp\",\"public\":true,\"first_party\":false,\"redirect_uris\":[\""
            + CALLBACK
            + "\"],\"scopes\":[\"openid\"]}");
    Provider.client(
        gh,
        "{\"client_id\":\"tv\",\"public\":true,\"grant_types\":[\""
            + DEVICE_GRANT
            + "\"],\"scopes\":[\"openid\"]}");
  }

  @AfterAll
  void stop() {
    gh.close();
  }

  Stream<org.junit.jupiter.params.provider.Arguments> formsAndWays() {
    return forms()
        .flatMap(
            form ->
                Stream.of(Way.values())
                    .map(way -> org.junit.jupiter.params.provider.Arguments.of(form, way)));
  }

  private static Stream<Form> forms() {
    return Stream.of(
        new Form(
            "POST /login",
            s -> {
              Browser b = new Browser(s.gh().uri("/"));
              Map<String, String> fields = Browser.hiddenFields(b.get("/login").body());
              fields.put("username", "alice");
              fields.put("password", Provider.PASSWORD);
              return new Attempt(
                  b,
                  "/login",
                  fields,
                  403,
                  r -> r.statusCode() == 303 && b.hasCookie("gh_session"));
            }),
        new Form(
            "POST /logout",
            s -> {
              Browser b = s.signedIn();
              return new Attempt(
                  b,
                  "/logout",
                  Browser.hiddenFields(b.get("/logout").body()),
                  403,
                  r -> r.statusCode() == 303 && !b.hasCookie("gh_session"));
            }),
        new Form(
            "POST /account/sessions/{id}/revoke",
            s -> {
              Browser b = s.signedIn();
              String page = b.get("/account").body();
              Matcher id = SESSION_REVOKE.matcher(page);
              assertThat(id.find()).isTrue();
              return new Attempt(
                  b,
                  id.group(),
                  Map.of("csrf", Browser.hiddenFields(page).get("csrf")),
                  403,
                  r -> r.statusCode() == 303);
            }),
        new Form(
            "POST /account/devices/{id}/revoke",
            s -> {
              Browser b = s.signedIn();
              String code = pairingCode(b);
              s.gh().send("POST", "/api/devices/pair", "{\"code\":\"" + code + "\"}", null);
              String page = b.get("/account").body();
              Matcher id = DEVICE_REVOKE.matcher(page);
              assertThat(id.find()).as(page).isTrue();
              return new Attempt(
                  b,
                  id.group(),
                  Map.of("csrf", Browser.hiddenFields(page).get("csrf")),
                  403,
                  r -> r.statusCode() == 303);
            }),
        new Form(
            "POST /account/devices/pair",
            s -> {
              Browser b = s.signedIn();
              Map<String, String> fields = Browser.hiddenFields(b.get("/account").body());
              fields.put("name", "tv");
              return new Attempt(
                  b,
                  "/account/devices/pair",
                  fields,
                  403,
                  r -> r.statusCode() == 200 && PAIRING_CODE.matcher(r.body()).find());
            }),
        new Form(
            "POST /account/profile",
            s -> {
              Browser b = s.signedIn();
              Map<String, String> fields = Browser.hiddenFields(b.get("/account").body());
              fields.put("display_name", "Alice " + System.nanoTime());
              return new Attempt(b, "/account/profile", fields, 403, r -> r.statusCode() == 303);
            }),
        new Form(
            "POST /account/apps/{client_id}/revoke",
            s -> {
              Browser b = s.signedIn();
              Map<String, String> consent = Browser.hiddenFields(b.get(CONSENT).body());
              consent.put("decision", "allow");
              assertThat(b.post("/oidc/authorize/consent", consent).statusCode()).isEqualTo(303);
              String page = b.get("/account").body();
              assertThat(page).contains("/account/apps/rp/revoke");
              return new Attempt(
                  b,
                  "/account/apps/rp/revoke",
                  Map.of("csrf", Browser.hiddenFields(page).get("csrf")),
                  403,
                  r -> r.statusCode() == 303);
            }),
        new Form(
            "POST /pair",
            s -> {
              String code = pairingCode(s.signedIn());
              Browser b = new Browser(s.gh().uri("/"));
              Map<String, String> fields = Browser.hiddenFields(b.get("/pair").body());
              fields.put("code", code);
              return new Attempt(
                  b, "/pair", fields, 403, r -> r.statusCode() == 200 && b.hasCookie("gh_device"));
            }),
        new Form(
            "POST /oidc/authorize/consent",
            s -> {
              Browser b = s.signedIn();
              HttpResponse<String> page = b.get(CONSENT);
              assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
              Map<String, String> fields = Browser.hiddenFields(page.body());
              fields.put("decision", "allow");
              return new Attempt(
                  b,
                  "/oidc/authorize/consent",
                  fields,
                  403,
                  r ->
                      r.statusCode() == 303 && Browser.location(r).startsWith(CALLBACK + "?code="));
            }),
        new Form(
            "POST /oidc/device",
            s -> {
              Browser tv = new Browser(s.gh().uri("/"));
              String userCode = deviceCode(tv);
              Browser b = s.signedIn();
              Map<String, String> fields =
                  Browser.hiddenFields(b.get("/oidc/device?user_code=" + userCode).body());
              fields.put("user_code", userCode);
              fields.put("decision", "allow");
              return new Attempt(
                  b,
                  "/oidc/device",
                  fields,
                  403,
                  r -> r.body().contains("The device is connected"));
            }),
        new Form(
            "POST /oidc/logout (confirmation)",
            s -> {
              Browser b = s.signedIn();
              Map<String, String> fields = Browser.hiddenFields(b.get("/oidc/logout").body());
              fields.put("confirm", "yes");
              return new Attempt(b, "/oidc/logout", fields, 200, r -> !b.hasCookie("gh_session"));
            }));
  }

  private static String pairingCode(Browser b) {
    Map<String, String> fields = Browser.hiddenFields(b.get("/account").body());
    fields.put("name", "tv");
    Matcher code = PAIRING_CODE.matcher(b.post("/account/devices/pair", fields).body());
    assertThat(code.find()).isTrue();
    return code.group(1);
  }

  private static String deviceCode(Browser tv) {
    String body = tv.post("/oidc/device_authorization", Map.of("client_id", "tv")).body();
    Matcher code = Pattern.compile("\"user_code\":\"([^\"]+)\"").matcher(body);
    assertThat(code.find()).as(body).isTrue();
    return code.group(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formsAndWays")
  void onlyTheSameOriginWithTheSessionBoundTokenTakesEffect(Form form, Way way) {
    Attempt attempt = form.open().apply(new Setup(gh));
    Map<String, String> fields = new LinkedHashMap<>(attempt.fields());
    Map<String, String> headers = new LinkedHashMap<>();
    switch (way) {
      case SAME_ORIGIN -> {
        headers.put("Origin", origin);
        headers.put("Sec-Fetch-Site", "same-origin");
      }
      case FOREIGN_ORIGIN -> headers.put("Origin", "https://evil.example.test");
      case CROSS_SITE_FETCH -> headers.put("Sec-Fetch-Site", "cross-site");
      case PLANTED_PAIR -> {
        attempt.browser().setCookie("gh_csrf", PLANTED);
        fields.put("csrf", PLANTED);
      }
    }
    HttpResponse<String> response = attempt.browser().post(attempt.path(), fields, headers);
    if (way == Way.SAME_ORIGIN) {
      assertThat(attempt.tookEffect().test(response)).as(response.body()).isTrue();
    } else {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(attempt.refusedStatus());
      assertThat(attempt.tookEffect().test(response)).as(response.body()).isFalse();
    }
  }
}
