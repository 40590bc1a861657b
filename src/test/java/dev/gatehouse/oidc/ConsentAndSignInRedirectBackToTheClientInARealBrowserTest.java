package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.testing.Chrome;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chrome applies {@code form-action} to the redirects that follow a form submission, so a real
 * browser (headless Chromium, {@link Chrome}) must get back to the relying party from every portal
 * form that leads there: the sign-in page when its {@code rd} is an authorize request, the consent
 * page (query and form_post response modes), and the form_post page posting to the client.
 */
@Tag("browser")
class ConsentAndSignInRedirectBackToTheClientInARealBrowserTest {
  private static final String CHALLENGE = "A".repeat(43);

  @TempDir Path dir;

  /** A relying party's callback on loopback: records each request and answers a small page. */
  private record Client(HttpServer server, String callback, List<Arrival> arrivals)
      implements AutoCloseable {
    static Client start() throws IOException {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      List<Arrival> arrivals = new CopyOnWriteArrayList<>();
      server.createContext(
          "/",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            arrivals.add(
                new Arrival(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    Browser.query("?" + (query == null ? body : query))));
            byte[] page =
                "<!doctype html><p>back at the client</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (var out = exchange.getResponseBody()) {
              out.write(page);
            }
          });
      server.start();
      return new Client(server, "http://127.0.0.1:" + server.getAddress().getPort(), arrivals);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** One request the client received, with its query (GET) or form (POST) parameters. */
  private record Arrival(String method, String path, Map<String, String> params) {}

  @Test
  void signInConsentAndFormPostAllLeadBackToTheClient() throws Exception {
    try (Chrome chrome = Chrome.start(dir);
        Client client = Client.start();
        TestGatehouse gh = Provider.start(dir.resolve("data"))) {
      String thirdParty = client.callback() + "/third-party/cb";
      String firstParty = client.callback() + "/first-party/cb";
      Provider.client(
          gh,
          "{\"client_id\":\"rp\",\"public\":true,\"first_party\":false,\"redirect_uris\":[\""
              + thirdParty
              + "\"],\"scopes\":[\"openid\"]}");
      Provider.client(
          gh,
          "{\"client_id\":\"app\",\"public\":true,\"first_party\":true,\"redirect_uris\":[\""
              + firstParty
              + "\"],\"scopes\":[\"openid\"]}");

      // Sign-in (rd = the authorize request) → authorize → consent → allow → the client.
      chrome.open(gh.uri(authorize("rp", thirdParty, "xyz", "")));
      assertThat(chrome.awaitUrl(url -> url.contains("/login?"))).contains("/login?rd=");
      signIn(chrome);
      assertThat(chrome.awaitUrl(url -> url.contains("/oidc/authorize")))
          .contains("/oidc/authorize");
      assertThat(chrome.source()).contains("wants to access your account");
      chrome.screenshot("consent.png");
      chrome.click("button[value=allow]");
      Map<String, String> answer = arrivedAt(chrome, thirdParty);
      assertThat(answer.get("code")).isNotBlank();
      assertThat(answer).containsEntry("state", "xyz").doesNotContainKey("error");
      assertThat(client.arrivals()).containsExactly(new Arrival("GET", "/third-party/cb", answer));

      // Consent again (prompt=consent) → the form_post page → it posts to the client.
      chrome.open(
          gh.uri(authorize("rp", thirdParty, "fp", "&prompt=consent&response_mode=form_post")));
      assertThat(chrome.source()).contains("wants to access your account");
      chrome.click("button[value=allow]");
      arrivedAt(chrome, thirdParty);
      Arrival posted = client.arrivals().getLast();
      assertThat(posted.method()).isEqualTo("POST");
      assertThat(posted.path()).isEqualTo("/third-party/cb");
      assertThat(posted.params().get("code")).isNotBlank();
      assertThat(posted.params()).containsEntry("state", "fp").doesNotContainKey("error");

      // A first-party client skips consent: the sign-in form's answer leads on to the client.
      chrome.open(gh.uri(authorize("app", firstParty, "first", "&prompt=login")));
      assertThat(chrome.awaitUrl(url -> url.contains("/login?"))).contains("/login?rd=");
      signIn(chrome);
      Map<String, String> direct = arrivedAt(chrome, firstParty);
      assertThat(direct.get("code")).isNotBlank();
      assertThat(direct).containsEntry("state", "first");
      assertThat(client.arrivals().getLast())
          .isEqualTo(new Arrival("GET", "/first-party/cb", direct));
    }
  }

  private static String authorize(String clientId, String redirectUri, String state, String more) {
    return "/oidc/authorize?response_type=code&client_id="
        + clientId
        + "&redirect_uri="
        + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
        + "&scope=openid&state="
        + state
        + "&code_challenge="
        + CHALLENGE
        + "&code_challenge_method=S256"
        + more;
  }

  private static void signIn(Chrome chrome) throws IOException, InterruptedException {
    chrome.type("#username", "alice");
    chrome.type("#password", Provider.PASSWORD);
    chrome.click("button[type=submit]");
  }

  /**
   * The browser's query at {@code callback} once it gets there; fails with the URL it is stuck at
   * and Chrome's console (where a CSP block is reported) otherwise.
   */
  private static Map<String, String> arrivedAt(Chrome chrome, String callback)
      throws IOException, InterruptedException {
    String url = chrome.awaitUrl(u -> u.startsWith(callback));
    List<String> console = url.startsWith(callback) ? List.of() : chrome.consoleLog();
    assertThat(url)
        .as(
            "the browser did not get back to the client %s (blocked by the CSP form-action?);"
                + " it is at %s; console: %s",
            callback, url, console)
        .startsWith(callback);
    return Browser.query(url);
  }
}
