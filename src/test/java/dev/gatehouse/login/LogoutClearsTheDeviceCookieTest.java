package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signing out (the portal's form, or an application's RP-initiated logout) leaves the browser with
 * no credential: the session ends and the paired-device cookie is cleared, so the browser's next
 * request through the proxy is not authenticated. The device itself stays paired (revoking it is an
 * explicit act on the account page).
 */
class LogoutClearsTheDeviceCookieTest {
  private static final String PAGE = "https://wiki.example.test/page";
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"/logout", "/oidc/logout"})
  void logoutClearsTheDeviceCookieAndTheNextRequestIsAnonymous(String logout) {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
      alice.login("alice", "alice-password");
      String code = alice.pairingCode("this browser");
      assertThat(alice.submit("/pair", Map.of("code", code)).statusCode()).isEqualTo(200);
      String device = alice.cookie("gh_device");
      assertThat(device).isNotNull();
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", alice.cookieHeader()).statusCode())
          .isEqualTo(200);

      HttpResponse<String> out = alice.submit(logout, Map.of("confirm", "yes"));

      assertThat(out.statusCode()).isIn(200, 303);
      assertThat(out.headers().allValues("Set-Cookie"))
          .anySatisfy(c -> assertThat(c).startsWith("gh_device=").contains("Max-Age=0"));
      assertThat(alice.cookie("gh_device")).isNull();
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", alice.cookieHeader()).statusCode())
          .isEqualTo(401);
      // The device stays paired: its token still works where it is held on purpose.
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", "gh_device=" + device).statusCode())
          .isEqualTo(200);
    }
  }
}
