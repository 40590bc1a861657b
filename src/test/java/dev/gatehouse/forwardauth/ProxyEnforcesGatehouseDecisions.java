package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.EchoUpstream;
import dev.gatehouse.testing.RealProxy;
import dev.gatehouse.testing.TcpTap;
import dev.gatehouse.testing.TestGatehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a browser sees through a real reverse proxy in front of an app protected by Gatehouse: the
 * proxy asks Gatehouse about every request, passes the signed-in user on, sends strangers to the
 * login page and turns away the rest. The portal is behind the same proxy, under its own host on
 * the same port, and every sign-in goes through it as a browser's would (the form, its CSRF cookie
 * and token, the {@code Origin} of the proxy's address, which is {@code public_url}). Each subclass
 * names one proxy and how it talks to Gatehouse (nginx on its HTTP/1.0 defaults, nginx with
 * HTTP/1.1 keep-alive, Caddy); the scenarios are the same. Between the proxy and Gatehouse a {@link
 * TcpTap} shows what the proxy really sends.
 *
 * <p>The app allows {@code /public} to anyone and everything else to the group {@code staff};
 * {@code alice} is in it, {@code bob} is not. Each test signs in on its own, so none depends on
 * another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyEnforcesGatehouseDecisions {
  /** The portal's host name, served by the proxy next to the app. */
  private static final String PORTAL_HOST = "auth.localtest";

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern RD_FIELD = Pattern.compile("name=\"rd\" value=\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private TestGatehouse gatehouse;
  private EchoUpstream upstream;
  private TcpTap tap;
  private RealProxy proxy;
  private String appHost;

  /** {@code public_url}: the portal as a browser reaches it, through the proxy. */
  private URI portal;

  /** The proxy under test. */
  abstract RealProxy.Kind proxyKind();

  @BeforeAll
  void start(@TempDir Path dir) {
    proxyKind().installed();
    int port = RealProxy.freePort();
    // The Host header a browser sends carries the port, so the app is configured with it.
    appHost = "app.localtest:" + port;
    portal = URI.create("http://" + PORTAL_HOST + ":" + port);
    gatehouse =
        TestGatehouse.start(
            dir.resolve("gatehouse"), Map.of("GATEHOUSE_SERVER_PUBLIC_URL", portal.toString()));
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
    tap = TcpTap.start(gatehouse.gatehouse().port());
    proxy =
        proxyKind()
            .start(dir, port, new RealProxy.Wiring(tap.port(), upstream.port(), PORTAL_HOST));
  }

  @AfterAll
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (tap != null) {
      tap.close();
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

  /**
   * The whole round trip through the proxy: the app's URL, every query parameter in it, survives
   * the redirect to the portal, the sign-in form (rendered and posted through the proxy) and the
   * redirect back, and the app is then asked for exactly that URL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/x?a=1&b=2&c=3", "/reports/q3?year=2026&quarter=3&sort=name%20asc"})
  void anonymousBrowserIsSentToLoginAndBackToTheSameUrl(String path) {
    String original = "http://" + appHost + path;

    HttpResponse<String> response = throughProxy(path, null, Map.of());

    assertThat(response.statusCode()).as(proxy.log()).isEqualTo(302);
    String location = response.headers().firstValue("Location").orElseThrow();
    String loginPrefix = portal + "/login?rd=";
    assertThat(location).startsWith(loginPrefix);
    assertThat(URLDecoder.decode(location.substring(loginPrefix.length()), StandardCharsets.UTF_8))
        .isEqualTo(original);

    LoginForm form =
        loginForm(URI.create(location).getRawPath() + "?" + URI.create(location).getRawQuery());
    assertThat(form.rd()).isEqualTo(original);
    SignedIn alice = signIn(form, "alice", origin());
    assertThat(alice.location()).isEqualTo(original);

    HttpResponse<String> back = throughProxy(path, alice.session(), Map.of());
    assertThat(back.statusCode()).as(proxy.log()).isEqualTo(200);
    assertThat(back.body()).contains("Request: GET " + path + "\n", "Remote-User: alice\n");
  }

  /**
   * The portal's CSRF check holds behind the proxy: a form posted from another origin, with a valid
   * cookie and token, is refused and signs nobody in.
   */
  @Test
  void signInPostedFromAnotherOriginIsRefused() {
    LoginForm form = loginForm("/login");

    HttpResponse<String> login = postLogin(form, "alice", "http://evil.localtest");

    assertThat(login.statusCode()).as(proxy.log()).isEqualTo(403);
    assertThat(login.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("gh_session="));
  }

  /**
   * A client's {@code Upgrade: h2c} is not followed through the proxy, to the app or to the portal:
   * the answer is HTTP/1.1. A proxy that passes the header on (Caddy does) to a server that follows
   * it would tunnel the client to Gatehouse past the proxy's own rules.
   */
  @ParameterizedTest
  @ValueSource(strings = {"app", "portal"})
  void anUpgradeToHttp2IsNotATunnelThroughTheProxy(String to) throws IOException {
    String host = to.equals("app") ? appHost : portal.getRawAuthority();
    String path = to.equals("app") ? "/public/status" : "/login";
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: "
                      + host
                      + "\r\nAccept: text/html\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                      + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
              .readLine();

      assertThat(statusLine).as(proxy.log()).startsWith("HTTP/1.1 200 ");
    }
  }

  /**
   * How the proxy talks to Gatehouse, as seen on the wire between them: nginx on its defaults sends
   * HTTP/1.0 and opens a connection for every decision; with keep-alive nginx, and Caddy, send
   * HTTP/1.1 and reuse their connections. Gatehouse serves both.
   */
  @Test
  void gatehouseIsAskedOverTheConnectionsTheProxyIsConfiguredFor() {
    String session = signIn("alice", "").session();
    int connectionsBefore = tap.firstLines().size();
    int decisions = 6;

    for (int i = 0; i < decisions; i++) {
      HttpResponse<String> response = throughProxy("/reports/" + i, session, Map.of());
      assertThat(response.statusCode()).as(proxy.log()).isEqualTo(200);
    }

    List<String> lines = tap.firstLines();
    assertThat(lines)
        .isNotEmpty()
        .allMatch(line -> line.endsWith(" " + proxyKind().upstreamVersion()));
    int opened = lines.size() - connectionsBefore;
    if (proxyKind().keepsConnections()) {
      assertThat(opened)
          .as("new connections for %d decisions: %s", decisions, lines)
          .isLessThanOrEqualTo(1);
    } else {
      assertThat(opened)
          .as("new connections for %d decisions: %s", decisions, lines)
          .isEqualTo(decisions);
    }
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
        toPortal(
            "POST",
            "/logout",
            "gh_csrf=" + alice.csrfCookie() + "; gh_session=" + alice.session(),
            form(Map.of("csrf", alice.csrf())),
            origin());
    assertThat(logout.statusCode()).isEqualTo(303);

    HttpResponse<String> after = throughProxy("/reports/q3", alice.session(), Map.of());
    assertThat(after.statusCode()).as(proxy.log()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location").orElseThrow())
        .startsWith(portal + "/login?rd=");
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

  /** The sign-in form as the portal rendered it: its CSRF cookie, token and {@code rd} field. */
  private record LoginForm(String csrfCookie, String csrf, String rd) {}

  /** Signs in through the proxy's portal, as a browser does: the form first, then the post. */
  private SignedIn signIn(String username, String rd) {
    String path =
        rd.isEmpty() ? "/login" : "/login?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8);
    return signIn(loginForm(path), username, origin());
  }

  private SignedIn signIn(LoginForm form, String username, String origin) {
    HttpResponse<String> login = postLogin(form, username, origin);
    assertThat(login.statusCode()).as("%s\n%s", login.body(), proxy.log()).isEqualTo(303);
    return new SignedIn(
        cookie(login, "gh_session"),
        form.csrfCookie(),
        form.csrf(),
        login.headers().firstValue("Location").orElseThrow());
  }

  /** GETs the sign-in page at {@code path} through the proxy. */
  private LoginForm loginForm(String path) {
    HttpResponse<String> page = toPortal("GET", path, null, null, null);
    assertThat(page.statusCode()).as("%s\n%s", page.body(), proxy.log()).isEqualTo(200);
    Matcher field = CSRF_FIELD.matcher(page.body());
    assertThat(field.find()).as("csrf field in %s", page.body()).isTrue();
    Matcher rd = RD_FIELD.matcher(page.body());
    assertThat(rd.find()).as("rd field in %s", page.body()).isTrue();
    return new LoginForm(cookie(page, "gh_csrf"), field.group(1), unescape(rd.group(1)));
  }

  private HttpResponse<String> postLogin(LoginForm form, String username, String origin) {
    return toPortal(
        "POST",
        "/login",
        "gh_csrf=" + form.csrfCookie(),
        form(
            Map.of(
                "csrf", form.csrf(), "username", username, "password", PASSWORD, "rd", form.rd())),
        origin);
  }

  /** The portal's origin, as a browser on it sends in {@code Origin}. */
  private String origin() {
    return portal.toString();
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** A top-level page load through the proxy, to the app's host (port included). */
  private HttpResponse<String> throughProxy(
      String path, String session, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .timeout(TIMEOUT)
            .header("Host", appHost)
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    if (session != null) {
      request.header("Cookie", "gh_session=" + session);
    }
    headers.forEach(request::header);
    return send(request.build());
  }

  /** A request to the portal through the proxy; {@code origin} is sent when not null. */
  private HttpResponse<String> toPortal(
      String method, String path, String cookie, String form, String origin) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .timeout(TIMEOUT)
            .header("Host", portal.getRawAuthority())
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
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
    if (origin != null) {
      request.header("Origin", origin);
    }
    return send(request.build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(
          request
              + " failed; "
              + proxy
              + " logged:\n"
              + proxy.log()
              + "\nbetween it and Gatehouse:\n"
              + tap.transcript(),
          e);
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
