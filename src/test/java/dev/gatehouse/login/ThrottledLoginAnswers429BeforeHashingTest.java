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

/**
 * Wrong passwords are throttled per client IP and per account with exponential back-off, and a
 * throttled attempt is answered 429 with Retry-After before any Argon2 hash runs.
 */
class ThrottledLoginAnswers429BeforeHashingTest {
  private static final String HASHES = "gatehouse_hash_seconds_count";
  @TempDir Path dir;

  private static long retryAfter(HttpResponse<String> response) {
    return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void fortyWrongPasswordsFromOneIpAreThrottledWithoutHashing() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, TestGatehouse.withMetrics(Map.of()), clock);
        Browser attacker = new Browser(gh)) {
      // Ten free failures per IP, spread over usernames so that only the IP counter can trip.
      for (int i = 0; i < 11; i++) {
        assertThat(attacker.login("user-" + i, "guess-" + i).statusCode()).isEqualTo(401);
      }
      double hashed = gh.metric(HASHES);
      for (int i = 11; i < 40; i++) {
        HttpResponse<String> throttled = attacker.login("user-" + i, "guess-" + i);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(retryAfter(throttled)).isEqualTo(1);
        assertThat(throttled.body()).contains("Too many failed sign-ins");
      }
      assertThat(gh.metric(HASHES)).as("no hash ran for a throttled attempt").isEqualTo(hashed);
      assertThat(gh.metric("gatehouse_throttled_attempts_total")).isEqualTo(29);

      // Once the wait is over one more guess is checked, and its failure doubles the wait.
      clock.advance(Duration.ofSeconds(1));
      assertThat(attacker.login("user-40", "guess").statusCode()).isEqualTo(401);
      HttpResponse<String> again = attacker.login("user-41", "guess");
      assertThat(again.statusCode()).isEqualTo(429);
      assertThat(retryAfter(again)).isEqualTo(2);

      // Another address is not affected.
      try (Browser other = new Browser(gh, "127.0.0.2")) {
        assertThat(other.login("admin", TestGatehouse.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
      }
    }
  }

  @Test
  void anAccountIsThrottledAcrossAddressesUntilTheWaitEndsAndASuccessResetsIt() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, TestGatehouse.withMetrics(Map.of()), clock)) {
      gh.createUser("alice", "alice-password");
      // Five free failures per account, each from an address of its own.
      for (int i = 2; i <= 7; i++) {
        try (Browser attacker = new Browser(gh, "127.0.0." + i)) {
          assertThat(attacker.login("alice", "guess-" + i).statusCode()).isEqualTo(401);
        }
      }
      double hashed = gh.metric(HASHES);
      try (Browser attacker = new Browser(gh, "127.0.0.8");
          Browser alice = new Browser(gh, "127.0.0.9")) {
        HttpResponse<String> throttled = attacker.login("ALICE", "guess-8");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(retryAfter(throttled)).isEqualTo(1);
        // Even the right password waits: the check would cost a hash and tell the guesser.
        assertThat(alice.login("alice", "alice-password").statusCode()).isEqualTo(429);
        assertThat(gh.metric(HASHES)).isEqualTo(hashed);

        clock.advance(Duration.ofSeconds(1));
        assertThat(alice.login("alice", "alice-password").statusCode()).isEqualTo(303);
        // The success reset the account: the next wrong password is checked, not throttled.
        assertThat(attacker.login("alice", "guess-9").statusCode()).isEqualTo(401);
      }
    }
  }
}
