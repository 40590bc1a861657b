package dev.gatehouse.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** A test Gatehouse whose public URL (the issuer) is its real loopback address, with a user. */
final class Provider {
  static final String PASSWORD = "correct horse battery";

  private Provider() {}

  static TestGatehouse start(Path dir) {
    return start(dir, Map.of());
  }

  static TestGatehouse start(Path dir, Map<String, String> env) {
    return start(dir, env, java.time.InstantSource.system());
  }

  static TestGatehouse start(Path dir, Map<String, String> env, java.time.InstantSource clock) {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + port);
    all.put("GATEHOUSE_SERVER_PUBLIC_URL", "http://127.0.0.1:" + port);
    TestGatehouse gh = TestGatehouse.start(dir, all, clock);
    gh.post("/api/admin/groups", "{\"name\":\"staff\"}");
    var alice =
        gh.post(
            "/api/admin/users",
            "{\"username\":\"alice\",\"email\":\"alice@example.test\",\"display_name\":\"Alice"
                + " Liddell\",\"password\":\""
                + PASSWORD
                + "\",\"groups\":[\"staff\"]}");
    if (alice.status() != 201) {
      throw new IllegalStateException(alice.body());
    }
    return gh;
  }

  /**
   * Runs authorize for a first-party client (no consent) as a signed-in browser and returns the
   * code from the redirect.
   */
  static String code(Browser browser, String clientId, String redirectUri, String challenge) {
    String authorize =
        "/oidc/authorize?response_type=code&scope=openid&state=s&client_id="
            + clientId
            + "&redirect_uri="
            + java.net.URLEncoder.encode(redirectUri, java.nio.charset.StandardCharsets.UTF_8)
            + "&code_challenge_method=S256&code_challenge="
            + challenge;
    var first = browser.get(authorize);
    String location = Browser.location(first);
    if (location.startsWith("/login")) {
      location = Browser.location(browser.signIn(location, "alice", PASSWORD));
      location = Browser.location(browser.get(location));
    }
    return Browser.query(location).get("code");
  }

  /**
   * Alice, in a browser of her own, signs in through the portal from the device page and answers
   * {@code decision} ({@code allow} or {@code deny}) for {@code userCode}; the answer page.
   */
  static java.net.http.HttpResponse<String> decideDeviceCode(
      TestGatehouse gh, String userCode, String decision) {
    Browser user = new Browser(gh.uri("/"));
    var toLogin = user.get("/oidc/device?user_code=" + userCode);
    var back = user.signIn(Browser.location(toLogin), "alice", PASSWORD);
    Map<String, String> form = Browser.hiddenFields(user.get(Browser.location(back)).body());
    form.put("decision", decision);
    return user.post("/oidc/device", form);
  }

  /** Creates a client from JSON and returns the response (with client_secret when confidential). */
  static JsonNode client(TestGatehouse gh, String json) {
    var created = gh.post("/api/admin/clients", json);
    if (created.status() != 201) {
      throw new IllegalStateException(created.body());
    }
    return created.json();
  }
}
