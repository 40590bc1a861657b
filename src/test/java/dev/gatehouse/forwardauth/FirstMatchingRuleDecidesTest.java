package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The access rules, one decision per row: hosts exact or wildcard, rules in order with the first
 * match deciding, path prefix or regex, methods, client networks (right-most X-Forwarded-For), and
 * the default policy (deny) for hosts no app serves.
 */
class FirstMatchingRuleDecidesTest {
  @TempDir static Path dir;
  static TestGatehouse gh;
  static Proxy proxy;
  static final Map<String, Browser> signedIn = new java.util.HashMap<>();

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    proxy = new Proxy(gh);
    gh.createUser("alice", "alice-password", "admins", "staff");
    gh.createUser("bob", "bob-password");
    gh.createApp(
        """
        {"name":"wiki","hosts":["wiki.example.test"],"rules":[
          {"path":"/public","policy":"public"},
          {"path_regex":"^/api/v[0-9]+/health$","policy":"public"},
          {"path":"/admin","policy":"groups","groups":["admins"]},
          {"path":"/write","methods":["POST","put"],"policy":"deny"},
          {"path":"/lan","networks":["10.0.0.0/8","fd00::/8","192.0.2.7"],"policy":"public"},
          {"path":"/lan","policy":"deny"},
          {"path":"/closed","policy":"deny"},
          {"path":"/closed","policy":"public"}
        ]}""");
    gh.createApp(
        """
        {"name":"tools","hosts":["*.tools.example.test"],"rules":[
          {"path":"/","policy":"groups","groups":["staff"]}]}""");
    gh.createApp(
        """
        {"name":"status","hosts":["status.tools.example.test","status.example.test:8443"],
         "rules":[{"path":"/","policy":"public"}]}""");
    for (String user : List.of("alice", "bob")) {
      Browser browser = new Browser(gh);
      assertThat(browser.login(user, user + "-password").statusCode()).isEqualTo(303);
      signedIn.put(user, browser);
    }
  }

  @AfterAll
  static void stop() {
    signedIn.values().forEach(Browser::close);
    proxy.close();
    gh.close();
  }

  @ParameterizedTest(name = "{0} {1} as {3} from [{2}] → {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          GET    | https://wiki.example.test/public/page      |                          | anon  | 200
          GET    | https://wiki.example.test/api/v2/health    |                          | anon  | 200
          GET    | https://wiki.example.test/api/v2/health/x  |                          | anon  | 401
          GET    | https://wiki.example.test/admin/users      |                          | anon  | 401
          GET    | https://wiki.example.test/admin/users      |                          | alice | 200
          GET    | https://wiki.example.test/admin/users      |                          | bob   | 403
          POST   | https://wiki.example.test/write            |                          | alice | 403
          PUT    | https://wiki.example.test/write            |                          | alice | 403
          GET    | https://wiki.example.test/write            |                          | alice | 200
          GET    | https://wiki.example.test/lan              | 203.0.113.9, 10.1.2.3    | anon  | 200
          GET    | https://wiki.example.test/lan              | 10.1.2.3, 203.0.113.9    | anon  | 403
          GET    | https://wiki.example.test/lan              | fd00::1                  | anon  | 200
          GET    | https://wiki.example.test/lan              | 192.0.2.7                | anon  | 200
          GET    | https://wiki.example.test/lan              | 192.0.2.8                | alice | 403
          GET    | https://wiki.example.test/lan              |                          | alice | 403
          GET    | https://wiki.example.test/closed           |                          | alice | 403
          GET    | https://wiki.example.test/closed           |                          | anon  | 403
          GET    | https://wiki.example.test/no-rule-matches  |                          | anon  | 401
          GET    | https://wiki.example.test/no-rule-matches  |                          | bob   | 200
          GET    | https://WIKI.Example.Test:443/public       |                          | anon  | 200
          GET    | https://a.tools.example.test/              |                          | alice | 200
          GET    | https://deep.a.tools.example.test/         |                          | alice | 200
          GET    | https://a.tools.example.test/              |                          | bob   | 403
          GET    | https://a.tools.example.test/              |                          | anon  | 401
          GET    | https://status.tools.example.test/         |                          | anon  | 200
          GET    | https://status.example.test:8443/          |                          | anon  | 200
          GET    | https://tools.example.test/                |                          | alice | 403
          GET    | https://eviltools.example.test/            |                          | alice | 403
          GET    | https://unknown.example.test/              |                          | alice | 403
          GET    | https://unknown.example.test/              |                          | anon  | 403
          """)
  void decides(String method, String url, String forwardedFor, String who, int expected) {
    List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
    if (forwardedFor != null) {
      headers.addAll(List.of("X-Forwarded-For", forwardedFor));
    }
    if (!who.equals("anon")) {
      headers.addAll(List.of("Cookie", signedIn.get(who).cookieHeader()));
    }
    String[] pairs = headers.toArray(String[]::new);
    assertThat(proxy.forwardAuth(method, url, pairs).statusCode()).isEqualTo(expected);
    if (expected != 401) {
      assertThat(proxy.authRequest(method, url, pairs).statusCode()).isEqualTo(expected);
    }
  }
}
