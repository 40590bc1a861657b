package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
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

/** Guessing admin API keys earns a 429 with Retry-After, per client address, before any check. */
class ApiKeyGuessesAreThrottledPerAddressTest {
  @TempDir Path dir;

  @Test
  void wrongKeysFromOneAddressAreThrottledAndOtherAddressesAreNot() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        HttpClient other =
            HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build()) {
      for (int i = 0; i < 11; i++) {
        assertThat(gh.send("GET", "/api/admin/users", null, "gh_ak_guess-" + i).status())
            .isEqualTo(401);
      }
      for (int i = 11; i < 40; i++) {
        TestGatehouse.Response throttled =
            gh.send("GET", "/api/admin/users", null, "gh_ak_guess-" + i);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.raw().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(throttled.json().get("error").asText()).isEqualTo("too_many_requests");
      }
      // Throttled means not checked at all, even with the right key.
      assertThat(gh.get("/api/admin/users").status()).isEqualTo(429);
      assertThat(get(other, gh, TestGatehouse.API_KEY).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofSeconds(1));
      assertThat(gh.get("/api/admin/users").status()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient client, TestGatehouse gh, String key)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(gh.uri("/api/admin/users"))
            .header("Authorization", "Bearer " + key)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
