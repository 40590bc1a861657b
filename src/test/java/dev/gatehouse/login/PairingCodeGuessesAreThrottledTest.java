package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guessing pairing codes, by the JSON API or the /pair form, earns a 429 per client address. */
class PairingCodeGuessesAreThrottledTest {
  @TempDir Path dir;

  private static TestGatehouse.Response redeem(TestGatehouse gh, String code) {
    return gh.send("POST", "/api/devices/pair", "{\"code\":\"" + code + "\"}", null);
  }

  @Test
  void wrongCodesFromOneAddressAreThrottledOnTheApiAndTheForm() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser alice = new Browser(gh, "127.0.0.2");
        Browser guesser = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      String code = alice.pairingCode("TV");
      for (int i = 0; i < 11; i++) {
        assertThat(redeem(gh, "AAAA-AA" + (10 + i)).status()).isEqualTo(400);
      }
      TestGatehouse.Response throttled = redeem(gh, "AAAA-AAZZ");
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.raw().headers().firstValue("Retry-After")).hasValue("1");
      assertThat(throttled.json().get("error").asText()).isEqualTo("too_many_requests");
      // The form shares the address's count; the right code waits too.
      HttpResponse<String> form = guesser.submit("/pair", Map.of("code", code));
      assertThat(form.statusCode()).isEqualTo(429);
      assertThat(form.headers().firstValue("Retry-After")).hasValue("1");

      clock.advance(Duration.ofSeconds(1));
      assertThat(redeem(gh, code).status()).isEqualTo(201);
    }
  }
}
