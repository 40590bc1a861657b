package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.token.Grants;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anonymous device authorizations are throttled per address and bounded per client, so a flood can
 * neither fill the table nor keep the writer busy; user-code guesses are throttled per address.
 */
class DeviceFlowGuessesAndFloodsAreThrottledTest {
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  @TempDir Path dir;

  private static TestGatehouse start(Path dir, TestClock clock) {
    TestGatehouse gh =
        Provider.start(dir, Map.of("GATEHOUSE_THROTTLE_DEVICE_CODES_PER_CLIENT", "20"), clock);
    Provider.client(
        gh,
        "{\"client_id\":\"tv\",\"public\":true,\"grant_types\":[\""
            + GRANT
            + "\"],\"scopes\":[\"openid\"]}");
    return gh;
  }

  private static HttpResponse<String> authorize(TestGatehouse gh, String from)
      throws IOException, InterruptedException {
    try (HttpClient http =
        HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
      return http.send(
          HttpRequest.newBuilder(gh.uri("/oidc/device_authorization"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("client_id=tv"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static long rows(TestGatehouse gh) {
    return gh.gatehouse()
        .store()
        .reads()
        .read(q -> q.one("SELECT COUNT(*) FROM device_codes", r -> r.getLong(1)).orElseThrow());
  }

  @Test
  void aFloodFromOneAddressIsThrottledAndRowsStayBoundedPerClient() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock)) {
      for (int i = 0; i < 11; i++) {
        assertThat(authorize(gh, "127.0.0.1").statusCode()).isEqualTo(200);
      }
      HttpResponse<String> throttled = authorize(gh, "127.0.0.1");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(throttled.body()).contains("\"error\":\"slow_down\"");
      assertThat(rows(gh)).isEqualTo(11);

      // Many addresses: the client's pending codes stay bounded.
      int refused = 0;
      for (int ip = 2; ip < 6; ip++) {
        for (int i = 0; i < 5; i++) {
          if (authorize(gh, "127.0.0." + ip).statusCode() == 429) {
            refused++;
          }
        }
      }
      assertThat(rows(gh)).isEqualTo(20);
      assertThat(refused).isEqualTo(11);

      // Expired codes make room again (and are deleted).
      clock.advance(Grants.DEVICE_LIFETIME.plus(Duration.ofSeconds(1)));
      assertThat(authorize(gh, "127.0.0.9").statusCode()).isEqualTo(200);
      assertThat(rows(gh)).isEqualTo(1);
    }
  }

  @Test
  void userCodeGuessesFromOneAddressAreThrottled() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock)) {
      Browser user = new Browser(gh.uri("/"));
      HttpResponse<String> toLogin = user.get("/oidc/device");
      user.signIn(Browser.location(toLogin), "alice", Provider.PASSWORD);
      for (int i = 0; i < 11; i++) {
        assertThat(user.get("/oidc/device?user_code=WXYZ-WX" + (10 + i)).statusCode())
            .isEqualTo(400);
      }
      HttpResponse<String> throttled = user.get("/oidc/device?user_code=WXYZ-WXZZ");
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(throttled.body()).contains("Too many wrong codes");

      clock.advance(Duration.ofSeconds(1));
      assertThat(user.get("/oidc/device?user_code=WXYZ-WXZZ").statusCode()).isEqualTo(400);
    }
  }
}
