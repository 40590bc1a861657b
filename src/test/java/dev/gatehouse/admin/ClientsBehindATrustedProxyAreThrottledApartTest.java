package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a reverse proxy every connection comes from the proxy. Keyed by the socket peer, one
 * attacker's guesses would throttle every client of the proxy; so a trusted proxy's X-Forwarded-For
 * names the client. From a peer that is not trusted, X-Forwarded-For is the client's own word and
 * changes nothing.
 */
class ClientsBehindATrustedProxyAreThrottledApartTest {
  @TempDir Path dir;

  @Test
  void aTrustedProxysClientsAreCountedApart() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        HttpClient proxy = HttpClient.newHttpClient()) {
      for (int i = 0; i < 12; i++) {
        get(proxy, gh, "gh_ak_guess-" + i, "198.51.100.7, 127.0.0.1");
      }
      assertThat(get(proxy, gh, "gh_ak_guess", "198.51.100.7").statusCode())
          .as("the guessing client")
          .isEqualTo(429);
      assertThat(get(proxy, gh, TestGatehouse.API_KEY, "203.0.113.4").statusCode())
          .as("another client of the same proxy")
          .isEqualTo(200);
      assertThat(get(proxy, gh, TestGatehouse.API_KEY, "203.0.113.4, 198.51.100.7").statusCode())
          .as("the guesser cannot borrow another's address by prepending it")
          .isEqualTo(429);
    }
  }

  @Test
  void anUntrustedPeerCannotPickItsAddress() throws Exception {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_SERVER_TRUSTED_PROXIES", ""));
        HttpClient direct = HttpClient.newHttpClient()) {
      for (int i = 0; i < 12; i++) {
        get(direct, gh, "gh_ak_guess-" + i, "198.51.100." + i);
      }
      assertThat(get(direct, gh, TestGatehouse.API_KEY, "203.0.113.4").statusCode()).isEqualTo(429);
    }
  }

  private static HttpResponse<String> get(
      HttpClient client, TestGatehouse gh, String key, String forwardedFor)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(gh.uri("/api/admin/users"))
            .header("Authorization", "Bearer " + key)
            .header("X-Forwarded-For", forwardedFor)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
