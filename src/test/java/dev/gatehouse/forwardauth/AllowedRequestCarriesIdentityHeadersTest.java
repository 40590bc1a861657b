package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllowedRequestCarriesIdentityHeadersTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void bothEndpointsNameTheUserAndTheirGroups(Listener listener) {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = listener.proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff", "ops");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
      assertThat(alice.login("alice", "alice-password").statusCode()).isEqualTo(303);

      HttpResponse<String> forward =
          proxy.forwardAuth(
              "GET", "https://wiki.example.test/page?x=1", "Cookie", alice.cookieHeader());
      HttpResponse<String> original =
          proxy.authRequest(
              "GET", "https://wiki.example.test/page?x=1", "Cookie", alice.cookieHeader());
      // Browsers send every cookie of the shared domain, and the proxy passes them all on.
      StringBuilder cookies = new StringBuilder();
      for (int i = 0; i < 420; i++) {
        cookies.append("app_").append(i).append('=').append("v".repeat(90)).append("; ");
      }
      assertThat(cookies.length()).isGreaterThan(40_000);
      HttpResponse<String> crowded =
          proxy.forwardAuth(
              "GET", "https://wiki.example.test/", "Cookie", cookies + alice.cookieHeader());

      for (HttpResponse<String> response : java.util.List.of(forward, original, crowded)) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Remote-User")).hasValue("alice");
        assertThat(response.headers().firstValue("Remote-Email")).hasValue("alice@example.test");
        assertThat(response.headers().firstValue("Remote-Name")).hasValue("User alice");
        assertThat(response.headers().firstValue("Remote-Groups").orElseThrow().split(","))
            .containsExactlyInAnyOrder("staff", "ops");
      }
    }
  }
}
