package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.EchoUpstream;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.RealProxy;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a browser sees through a real reverse proxy in front of an app protected by Gatehouse: the
 * proxy asks Gatehouse about every request, passes the signed-in user on, sends strangers to the
 * login page and turns away the rest. Each subclass names one proxy; the scenarios are the same.
 *
 * <p>The app allows {@code /public} to anyone and everything else to the group {@code staff};
 * {@code alice} is in it, {@code bob} is not. Each test signs in on its own, so none depends on
 * another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyEnforcesGatehouseDecisions {
  /** Where the login portal lives; never dialled, only expected in redirects. */
  private static final URI PORTAL = URI.create("http://auth.localtest");

  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private TestGatehouse gatehouse;
  private EchoUpstream upstream;
  private RealProxy proxy;
  private String appHost;

  /** The proxy under test. */
  abstract RealProxy.Kind proxyKind();

  @BeforeAll
  void start(@TempDir Path dir) {
    proxyKind().installed();
    int port = RealProxy.freePort();
    // The Host header a browser sends carries the port, so the app is configured with it.
    appHost = "app.localtest:" + port;
    gatehouse =
        TestGatehouse.start(
            dir.resolve("gatehouse"), Map.of("GATEHOUSE_SERVER_PUBLIC_URL", PORTAL.toString()));
    created(gatehouse.post("/api/admin/groups", "{\"name\":\"staff\"}"));
    created(
        gatehouse.post(
            "/api/admin/users",
            """
            {"username":"alice","email":"alice@example.test","display_name":"Alice Liddell",
             "password":"%s","groups":["staff"]}"""
                .formatted(PASSWORD)));
    created(
        gatehouse.post(
            "/api/admin/users",
            """
            {"username":"bob","email":"bob@example.test","password":"%s"}"""
                .formatted(PASSWORD)));
    created(
        gatehouse.post(
            "/api/admin/apps",
            """
            {"name":"app","hosts":["%s"],
             "rules":[{"path":"/public","policy":"public"},
                      {"path":"/","policy":"groups","groups":["staff"]}]}"""
                .formatted(appHost)));
    upstream = EchoUpstream.start();
    proxy =
        proxyKind()
            .start(dir, port, new RealProxy.Wiring(listener().port(gatehouse), upstream.port()));
  }

  /** Which Gatehouse listener the proxy asks: the main one unless a subclass says otherwise. */
  Listener listener() {
    return Listener.MAIN;
  }

  @AfterAll
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (gatehouse != null) {
      gatehouse.close();
    }
    http.close();
  }

  @Test
  void memberOfTheGroupReachesTheUpstreamAsThemselves() {
    String session = signIn("alice", "").session();

    HttpResponse<String> response = throughProxy("/reports/q3", session, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(response.body())
        .contains("Remote-User: alice\n")
        .contains("Remote-Groups: staff\n")
        .contains("Remote-Email: alice@example.test\n")
        .contains("Remote-Name: Alice Liddell\n");
  }

  @Test
  void anonymousBrowserIsSentToLoginAndBackAfterSigningIn() {
    String original = "http://" + appHost + "/reports/q3";

    HttpResponse<String> response = throughProxy("/reports/q3", null, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(302);
    String location = response.headers().firstValue("Location").orElseThrow();
    String loginPrefix = PORTAL + "/login?rd=";
    assertThat(location).startsWith(loginPrefix);
    String rd = URLDecoder.decode(location.substring(loginPrefix.length()), StandardCharsets.UTF_8);
    assertThat(rd).isEqualTo(original);
    assertThat(signIn("alice", rd).location()).isEqualTo(original);
  }

  @Test
  void theWholeQueryStringComesBackAfterSigningIn() {
    String original = "http://" + appHost + "/reports/q3?year=2026&quarter=3&sort=name%20asc";

    HttpResponse<String> response =
        throughProxy("/reports/q3?year=2026&quarter=3&sort=name%20asc", null, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(302);
    String location = response.headers().firstValue("Location").orElseThrow();
    String rd =
        URLDecoder.decode(
            location.substring((PORTAL + "/login?rd=").length()), StandardCharsets.UTF_8);
    assertThat(rd).isEqualTo(original);
    assertThat(signIn("alice", rd).location()).isEqualTo(original);
  }

  @Test
  void userOutsideTheGroupIsDenied() {
    String session = signIn("bob", "").session();

    HttpResponse<String> response = throughProxy("/reports/q3", session, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(403);
    assertThat(response.body()).doesNotContain("upstream saw");
  }

  @Test
  void publicPathNeedsNoLogin() {
    HttpResponse<String> response = throughProxy("/public/status", null, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(response.body()).contains("Remote-User: -\n");
  }

  @Test
  void identityHeadersSentByTheClientNeverReachTheUpstream() {
    Map<String, String> forged =
        Map.of("Remote-User", "admin", "Remote-Groups", "admins", "Remote-Email", "a@evil.test");

    HttpResponse<String> anonymous = throughProxy("/public/status", null, forged);
    HttpResponse<String> signedIn =
        throughProxy("/reports/q3", signIn("alice", "").session(), forged);

    assertThat(anonymous.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(anonymous.body())
        .contains("Remote-User: -\n", "Remote-Groups: -\n", "Remote-Email: -\n");
    assertThat(signedIn.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(signedIn.body())
        .contains("Remote-User: alice\n", "Remote-Groups: staff\n")
        .doesNotContain("admin");
  }

  @Test
  void signedOutCookieIsSentToLoginAgain() {
    SignedIn alice = signIn("alice", "");
    assertThat(throughProxy("/reports/q3", alice.session(), Map.of()).statusCode()).isEqualTo(200);

    HttpResponse<String> logout =
        toGatehouse(
            "POST",
            "/logout",
            "gh_csrf=" + alice.csrfCookie() + "; gh_session=" + alice.session(),
            form(Map.of("csrf", alice.csrf())));
    assertThat(logout.statusCode()).isEqualTo(303);

    HttpResponse<String> after = throughProxy("/reports/q3", alice.session(), Map.of());
    assertThat(after.statusCode()).as(proxy.log()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElseThrow())
        .startsWith(PORTAL + "/login?rd=");
  }

  /**
   * Gatehouse's cookies wherever they stand among the app's: the app gets its own cookies, in
   * order, and none of Gatehouse's (a look-alike name and a value holding {@code gh_} stay).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "gh_session=SESSION | -",
        "gh_session=SESSION; app_sid=1; theme=dark | app_sid=1; theme=dark",
        "app_sid=1; gh_session=SESSION; gh_csrf=x; theme=dark | app_sid=1; theme=dark",
        "app_sid=1; theme=dark; gh_csrf=x; gh_session=SESSION | app_sid=1; theme=dark",
        "gh_csrf=x;gh_session=SESSION;xgh_keep=1;ref=gh_x | xgh_keep=1;ref=gh_x",
        "gh_a=1; gh_session=SESSION; app_sid=1; gh_b=2 | app_sid=1"
      })
  void gatehouseCookiesNeverReachTheUpstream(String cookies, String upstreamSees) {
    String session = signIn("alice", "").session();

    HttpResponse<String> response =
        throughProxy("/reports/q3", null, Map.of("Cookie", cookies.replace("SESSION", session)));

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(response.body())
        .contains("Remote-User: alice\n")
        .contains("Cookie: " + upstreamSees + "\n")
        .doesNotContain(session);
  }

  /** A paired device, as a cookie or as a bearer token: the app sees neither. */
  @Test
  void deviceTokensNeverReachTheUpstream() {
    String device;
    try (Browser alice = new Browser(gatehouse)) {
      alice.login("alice", PASSWORD);
      device = alice.pairDevice("kiosk").token();
    }

    HttpResponse<String> asCookie =
        throughProxy(
            "/reports/q3",
            null,
            Map.of("Cookie", "app_sid=1; gh_device=" + device + "; theme=dark"));
    HttpResponse<String> asBearer =
        throughProxy(
            "/reports/q3",
            null,
            Map.of("Cookie", "app_sid=1", "Authorization", "Bearer " + device));

    assertThat(asCookie.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(asCookie.body())
        .contains("Remote-User: alice\n", "Cookie: app_sid=1; theme=dark\n")
        .doesNotContain(device);
    assertThat(asBearer.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(asBearer.body())
        .contains("Remote-User: alice\n", "Cookie: app_sid=1\n", "Authorization: -\n")
        .doesNotContain(device);
  }

  /**
   * A session cookie value, the pre-session CSRF cookie and the form token bound to it, and where
   * the login sent us.
   */
  private record SignedIn(String session, String csrfCookie, String csrf, String location) {}

  /** Signs in on Gatehouse directly, as a browser on the portal would. */
  private SignedIn signIn(String username, String rd) {
    HttpResponse<String> page = toGatehouse("GET", "/login", null, null);
    String csrfCookie = cookie(page, "gh_csrf");
    Matcher field = CSRF_FIELD.matcher(page.body());
    assertThat(field.find()).as("csrf field in %s", page.body()).isTrue();
    String csrf = field.group(1);
    HttpResponse<String> login =
        toGatehouse(
            "POST",
            "/login",
            "gh_csrf=" + csrfCookie,
            form(Map.of("csrf", csrf, "username", username, "password", PASSWORD, "rd", rd)));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
    return new SignedIn(
        cookie(login, "gh_session"),
        csrfCookie,
        csrf,
        login.headers().firstValue("Location").orElseThrow());
  }

  /** A top-level page load through the proxy, to the app's host (port included). */
  private HttpResponse<String> throughProxy(
      String path, String session, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .header("Host", appHost)
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    if (session != null) {
      request.header("Cookie", "gh_session=" + session);
    }
    headers.forEach(request::header);
    return send(request.build());
  }

  private HttpResponse<String> toGatehouse(String method, String path, String cookie, String form) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gatehouse.uri(path))
            .method(
                method,
                form == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(form));
    if (form != null) {
      request.header("Content-Type", "application/x-www-form-urlencoded");
    }
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request.build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request + " failed; " + proxy + " logged:\n" + proxy.log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (name, value) -> {
          if (!body.isEmpty()) {
            body.append('&');
          }
          body.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
    return body.toString();
  }

  private static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
  }

  private static void created(TestGatehouse.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(201);
  }
}
