package dev.gatehouse.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Headless Chromium, driven through chromedriver's W3C WebDriver API over plain HTTP, so that a
 * test sees what a real browser does with the portal's pages (their CSP included). Screenshots go
 * to {@code target/screenshots}. Passkeys are made by a virtual authenticator ({@link
 * #addAuthenticator()}, the WebDriver extension of WebAuthn Level 2 §11): Chrome's own WebAuthn
 * code runs, only the authenticator is simulated.
 */
public final class Chrome implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final HttpClient http = HttpClient.newHttpClient();
  private final Process driver;
  private final URI webdriver;

  /** The session's command root; chromedriver's own root until a session exists. */
  private URI session;

  private Chrome(Process driver, URI webdriver) {
    this.driver = driver;
    this.webdriver = webdriver;
    this.session = webdriver;
  }

  /**
   * Starts chromedriver and a browser session with a fresh profile under {@code dir}; skips the
   * test when chromium or chromedriver is not installed.
   */
  public static Chrome start(Path dir) throws IOException, InterruptedException {
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
    Chrome chrome = new Chrome(driver, URI.create("http://127.0.0.1:" + port));
    try {
      chrome.awaitReady();
      chrome.session = chrome.newSession(dir.resolve("profile"));
    } catch (IOException | InterruptedException | RuntimeException e) {
      chrome.close();
      throw e;
    }
    return chrome;
  }

  private URI newSession(Path profile) throws IOException, InterruptedException {
    String id =
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
                            // the console, where Chrome reports what a CSP blocked
                            "goog:loggingPrefs",
                            Map.of("browser", "ALL"),
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
    return webdriver.resolve("/session/" + id + "/");
  }

  public void open(URI url) throws IOException, InterruptedException {
    call("POST", session.resolve("url"), Map.of("url", url.toString()));
  }

  public void type(String css, String text) throws IOException, InterruptedException {
    call("POST", session.resolve("element/" + find(css) + "/value"), Map.of("text", text));
  }

  public void click(String css) throws IOException, InterruptedException {
    call("POST", session.resolve("element/" + find(css) + "/click"), Map.of());
  }

  /** Empties a text field. */
  public void clear(String css) throws IOException, InterruptedException {
    call("POST", session.resolve("element/" + find(css) + "/clear"), Map.of());
  }

  /** Resizes the window, for what a phone shows. */
  public void resize(int width, int height) throws IOException, InterruptedException {
    call("POST", session.resolve("window/rect"), Map.of("width", width, "height", height));
  }

  /**
   * Runs {@code js} (a function body; {@code return} gives the result) in the page, as WebDriver
   * does: outside the page's content security policy, for checks a test makes of the page.
   */
  public JsonNode script(String js) throws IOException, InterruptedException {
    return call("POST", session.resolve("execute/sync"), Map.of("script", js, "args", List.of()));
  }

  /** Presses Tab {@code times} times; returns the focused element's outer HTML, cut to 200. */
  public String tab(int times) throws IOException, InterruptedException {
    List<Map<String, String>> keys = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      keys.add(Map.of("type", "keyDown", "value", "\uE004"));
      keys.add(Map.of("type", "keyUp", "value", "\uE004"));
    }
    call(
        "POST",
        session.resolve("actions"),
        Map.of("actions", List.of(Map.of("type", "key", "id", "keyboard", "actions", keys))));
    return script("return document.activeElement.outerHTML.substring(0, 200);").asText();
  }

  /** Forgets the cookies the current page's URL would send (its host's and its domain's). */
  public void deleteCookies() throws IOException, InterruptedException {
    call("DELETE", session.resolve("cookie"), null);
  }

  /** Whether the element is shown (not hidden, not inside something hidden). */
  public boolean displayed(String css) throws IOException, InterruptedException {
    return call("GET", session.resolve("element/" + find(css) + "/displayed"), null).asBoolean();
  }

  /** The element's text as rendered. */
  public String text(String css) throws IOException, InterruptedException {
    return call("GET", session.resolve("element/" + find(css) + "/text"), null).asText();
  }

  /** The rendered text of every element {@code css} matches, in document order. */
  public List<String> texts(String css) throws IOException, InterruptedException {
    List<String> texts = new ArrayList<>();
    for (JsonNode element :
        call("POST", session.resolve("elements"), Map.of("using", "css selector", "value", css))) {
      texts.add(
          call("GET", session.resolve("element/" + element.get(ELEMENT).asText() + "/text"), null)
              .asText());
    }
    return texts;
  }

  public String url() throws IOException, InterruptedException {
    return call("GET", session.resolve("url"), null).asText();
  }

  public String source() throws IOException, InterruptedException {
    return call("GET", session.resolve("source"), null).asText();
  }

  /**
   * The page's URL once {@code done} accepts it, or as it is after 10 s: a click on a submit button
   * may return before the browser has followed the answer's redirect.
   */
  public String awaitUrl(Predicate<String> done) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String url = url();
    while (!done.test(url) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      url = url();
    }
    return url;
  }

  /**
   * The console messages logged since the last call (chromedriver's legacy log endpoint): where
   * Chrome says which navigation or form submission a content security policy refused.
   */
  public List<String> consoleLog() throws IOException, InterruptedException {
    List<String> messages = new ArrayList<>();
    for (JsonNode entry : call("POST", session.resolve("se/log"), Map.of("type", "browser"))) {
      messages.add(entry.path("level").asText() + " " + entry.path("message").asText());
    }
    return messages;
  }

  /** Saves what the window shows as {@code target/screenshots/name}; returns that path. */
  public Path screenshot(String name) throws IOException, InterruptedException {
    byte[] png =
        Base64.getDecoder().decode(call("GET", session.resolve("screenshot"), null).asText());
    return Files.write(SCREENSHOTS.resolve(name), png);
  }

  /**
   * Adds a virtual platform authenticator (a CTAP2 "internal" one, as a laptop's or phone's) that
   * keeps discoverable credentials and verifies its user every time: what a passkey is.
   */
  public Authenticator addAuthenticator() throws IOException, InterruptedException {
    String id =
        call(
                "POST",
                session.resolve("webauthn/authenticator"),
                Map.of(
                    "protocol", "ctap2",
                    "transport", "internal",
                    "hasResidentKey", true,
                    "hasUserVerification", true,
                    "isUserVerified", true))
            .asText();
    return new Authenticator(id);
  }

  /**
   * One credential a virtual authenticator holds, as WebDriver reports it: every byte string in
   * base64url, the private key as PKCS#8.
   */
  public record Credential(
      String id,
      boolean resident,
      String rpId,
      String userHandle,
      String privateKey,
      long signCount) {}

  /** A virtual authenticator in this browser; {@link #remove()} unplugs it. */
  public final class Authenticator {
    private final String id;

    private Authenticator(String id) {
      this.id = id;
    }

    public List<Credential> credentials() throws IOException, InterruptedException {
      List<Credential> credentials = new ArrayList<>();
      for (JsonNode c :
          call("GET", session.resolve("webauthn/authenticator/" + id + "/credentials"), null)) {
        credentials.add(
            new Credential(
                c.path("credentialId").asText(),
                c.path("isResidentCredential").asBoolean(),
                c.path("rpId").asText(),
                c.path("userHandle").asText(),
                c.path("privateKey").asText(),
                c.path("signCount").asLong()));
      }
      return credentials;
    }

    /** Forgets one credential, as if it had never been made here. */
    public void remove(Credential credential) throws IOException, InterruptedException {
      call(
          "DELETE",
          session.resolve("webauthn/authenticator/" + id + "/credentials/" + credential.id()),
          null);
    }

    /** Puts {@code credential} (one it held before, or another's) into this authenticator. */
    public void add(Credential credential) throws IOException, InterruptedException {
      call(
          "POST",
          session.resolve("webauthn/authenticator/" + id + "/credential"),
          Map.of(
              "credentialId", credential.id(),
              "isResidentCredential", credential.resident(),
              "rpId", credential.rpId(),
              "userHandle", credential.userHandle(),
              "privateKey", credential.privateKey(),
              "signCount", credential.signCount()));
    }

    public void remove() throws IOException, InterruptedException {
      call("DELETE", session.resolve("webauthn/authenticator/" + id), null);
    }
  }

  private String find(String css) throws IOException, InterruptedException {
    JsonNode element =
        call("POST", session.resolve("element"), Map.of("using", "css selector", "value", css));
    if (!element.has(ELEMENT)) {
      throw new IllegalStateException("no element for " + css + ": " + element);
    }
    return element.get(ELEMENT).asText();
  }

  private void awaitReady() throws InterruptedException {
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

  /** Ends the browser session (if one was started), then chromedriver. */
  @Override
  public void close() {
    try {
      if (!session.equals(webdriver)) {
        http.send(
            HttpRequest.newBuilder(URI.create(session.toString().replaceAll("/$", "")))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      driver.destroy();
      try {
        driver.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
