package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing leaves a trail: the failure that locks an account (or an address) is a locked_out event
 * naming it and the throttle, and each attempt refused before its password is checked is a
 * throttled event.
 */
class ThrottlingAndLockOutsAreAuditedTest {
  @TempDir Path dir;

  @Test
  void aLockedAccountAndTheRefusedAttemptsAreInTheLog() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.createUser("ivan", "ivan-password");
      // Five free failures per account, then the sixth locks it; each from an address of its own.
      for (int i = 2; i <= 7; i++) {
        try (Browser guesser = new Browser(gh, "127.0.0." + i)) {
          assertThat(guesser.login("ivan", "guess-" + i).statusCode()).isEqualTo(401);
        }
      }
      try (Browser guesser = new Browser(gh, "127.0.0.8")) {
        assertThat(guesser.login("ivan", "guess-8").statusCode()).isEqualTo(429);
      }

      List<JsonNode> lockOuts = AuditLog.events(gh, "kind=locked_out");
      assertThat(lockOuts)
          .extracting(e -> e.get("subject_username").asText() + " " + e.get("reason").asText())
          .containsExactly("ivan login_account");
      assertThat(lockOuts.getFirst().get("details").get("wait_seconds").asLong()).isPositive();

      List<JsonNode> throttled = AuditLog.events(gh, "kind=throttled");
      assertThat(throttled)
          .extracting(e -> e.get("subject_username").asText() + " " + e.get("ip").asText())
          .containsExactly("ivan 127.0.0.8");
    }
  }
}
