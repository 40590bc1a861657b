package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headless Chromium, driven through chromedriver's W3C WebDriver API over plain HTTP, signs in
 * through the form and lands on the account page. Screenshots go to {@code target/screenshots}.
 */
class PortalWorksInARealBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir Path dir;
  @TempDir Path profile;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void signInThroughTheFormAndSeeTheSession() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: needs /usr/bin/chromium and /usr/bin/chromedriver"
            + " (apt-get install chromium chromium-driver)");
    Files.createDirectories(SCREENSHOTS);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process driver =
        new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromedriver.log").toFile())
            .start();
    try (TestGatehouse gh = TestGatehouse.start(dir.resolve("data"))) {
      gh.createUser("alice", "alice-password", "staff");
      URI webdriver = URI.create("http://127.0.0.1:" + port);
      awaitReady(webdriver);
      String session =
          call(
                  "POST",
                  webdriver.resolve("/session"),
                  Map.of(
                      "capabilities",
                      Map.of(
                          "alwaysMatch",
                          Map.of(
                              "browserName",
                              "chrome",
                              "goog:chromeOptions",
                              Map.of(
                                  "binary",
                                  CHROMIUM.toString(),
                                  "args",
                                  List.of(
                                      "--headless",
                                      "--no-sandbox",
                                      "--disable-gpu",
                                      "--disable-quic",
                                      "--no-first-run",
                                      "--disable-background-networking",
                                      "--disable-component-update",
                                      "--disable-sync",
                                      "--window-size=900,1300",
                                      "--user-data-dir=" + profile))))))
              .get("sessionId")
              .asText();
      URI s = webdriver.resolve("/session/" + session + "/");
      try {
        call("POST", s.resolve("url"), Map.of("url", gh.uri("/login").toString()));
        screenshot(s, "login.png");
        type(s, "#username", "alice");
        type(s, "#password", "alice-password");
        call("POST", s.resolve("element/" + find(s, "button[type=submit]") + "/click"), Map.of());

        assertThat(awaitUrl(s, "/account")).endsWith("/account");
        String source = call("GET", s.resolve("source"), null).asText();
        assertThat(source).contains("User alice").contains("Sessions").contains("this session");
        screenshot(s, "account.png");

        type(s, "#name", "Living-room TV");
        call(
            "POST",
            s.resolve(
                "element/" + find(s, "form[action='/account/devices/pair'] button") + "/click"),
            Map.of());
        assertThat(call("GET", s.resolve("source"), null).asText()).contains("Living-room TV");
        screenshot(s, "pairing.png");

        call("POST", s.resolve("url"), Map.of("url", gh.uri("/logout").toString()));
        screenshot(s, "logout.png");
      } finally {
        http.send(
            HttpRequest.newBuilder(webdriver.resolve("/session/" + session)).DELETE().build(),
            HttpResponse.BodyHandlers.discarding());
      }
    } finally {
      driver.destroy();
      driver.waitFor();
    }
  }

  /**
   * The page's URL once it ends with {@code suffix}, or as it is after 10 s: a click on a submit
   * button may return before the browser has followed the answer's redirect.
   */
  private String awaitUrl(URI session, String suffix) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String url = call("GET", session.resolve("url"), null).asText();
    while (!url.endsWith(suffix) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      url = call("GET", session.resolve("url"), null).asText();
    }
    return url;
  }

  private void awaitReady(URI webdriver) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (call("GET", webdriver.resolve("/status"), null).path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        // chromedriver is not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("chromedriver did not start");
  }

  private String find(URI session, String css) throws IOException, InterruptedException {
    JsonNode element =
        call("POST", session.resolve("element"), Map.of("using", "css selector", "value", css));
    if (!element.has(ELEMENT)) {
      throw new IllegalStateException("no element for " + css + ": " + element);
    }
    return element.get(ELEMENT).asText();
  }

  private void type(URI session, String css, String text) throws IOException, InterruptedException {
    call("POST", session.resolve("element/" + find(session, css) + "/value"), Map.of("text", text));
  }

  private void screenshot(URI session, String name) throws IOException, InterruptedException {
    byte[] png =
        Base64.getDecoder().decode(call("GET", session.resolve("screenshot"), null).asText());
    Files.write(SCREENSHOTS.resolve(name), png);
  }

  /** One WebDriver command; returns its {@code value}, failing on a WebDriver error. */
  private JsonNode call(String method, URI uri, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
            .header("Content-Type", "application/json");
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode value = Json.MAPPER.readTree(response.body()).path("value");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " " + uri + " → " + response.body());
    }
    return value;
  }
}
