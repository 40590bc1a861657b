package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The review's reproductions (issue 10, finding 1), on both forward-auth protocols: a path the
 * upstream decodes or normalises into a protected page is decided as that page, or refused; a host
 * spelt with a trailing dot, in upper case or with a port is the same app.
 */
class EncodedPathsAndHostSpellingsCannotBypassRulesTest {
  @TempDir static Path dir;
  static TestGatehouse gh;
  static Proxy proxy;
  static Browser bob;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    proxy = new Proxy(gh);
    gh.createUser("bob", "bob-password", "family");
    gh.createApp(
        """
        {"name":"immich","hosts":["immich.example.test"],"rules":[
          {"path":"/api/health","policy":"public"},
          {"path":"/admin","policy":"groups","groups":["admins"]},
          {"path":"/secret","policy":"deny"},
          {"policy":"public"}]}""");
    gh.createApp(
        """
        {"name":"legacy","hosts":["legacy.example.test"],"path_case_insensitive":true,"rules":[
          {"path":"/Admin","policy":"groups","groups":["admins"]},
          {"path_regex":"^/private","policy":"deny"},
          {"policy":"public"}]}""");
    bob = new Browser(gh);
    assertThat(bob.login("bob", "bob-password").statusCode()).isEqualTo(303);
  }

  @AfterAll
  static void stop() {
    bob.close();
    proxy.close();
    gh.close();
  }

  @ParameterizedTest(name = "{0} as {1} → {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://immich.example.test/api/health/..%2f..%2fadmin/  | anon | 400
          https://immich.example.test/api/health/%2e%2e/admin/     | anon | 400
          https://immich.example.test/api/health/..;/admin/        | anon | 400
          https://immich.example.test/%61dmin/                     | anon | 401
          https://immich.example.test/%61dmin/                     | bob  | 403
          https://immich.example.test//admin/                      | bob  | 403
          https://immich.example.test/%2fadmin/                    | bob  | 400
          https://immich.example.test/%73ecret/                    | bob  | 403
          https://immich.example.test//secret/                     | anon | 403
          https://immich.example.test/%2573ecret/                  | anon | 400
          https://immich.example.test/%25zz/secret                 | anon | 200
          https://immich.example.test/%252573ecret/                | anon | 400
          https://immich.example.test/Secret                       | anon | 200
          https://immich.example.test/api/health                   | anon | 200
          https://immich.example.test.:443/secret                  | anon | 403
          https://IMMICH.EXAMPLE.TEST./admin                       | bob  | 403
          https://immich.example.test./%61dmin                     | anon | 401
          https://legacy.example.test/ADMIN/users                  | bob  | 403
          https://legacy.example.test/admin/users                  | bob  | 403
          https://legacy.example.test/%41DMIN/users                | anon | 401
          https://legacy.example.test/PRIVATE/x                    | anon | 403
          https://legacy.example.test/other                        | anon | 200
          """)
  void decidesOnTheCanonicalRequest(String url, String who, int expected) {
    List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
    if (who.equals("bob")) {
      headers.addAll(List.of("Cookie", bob.cookieHeader()));
    }
    String[] pairs = headers.toArray(String[]::new);
    assertThat(proxy.forwardAuth("GET", url, pairs).statusCode())
        .as("forward-auth")
        .isEqualTo(expected);
    assertThat(proxy.authRequest("GET", url, pairs).statusCode())
        .as("auth-request")
        .isEqualTo(expected);
  }
}
