package dev.gatehouse.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.Config;
import dev.gatehouse.testing.TestClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The back-off in memory: doubling, capped, forgotten after the window, and no race past it. */
class BackOffDoublesAndAdmitsNoRaceTest {
  private final TestClock clock = new TestClock();
  private final Throttle throttle =
      new Throttles(
              new Config.Throttle(3, 3, 1000, 5, 60, 100, 365, 100),
              clock,
              new PrometheusRegistry(),
              (kind, key, wait) -> {})
          .perAddress("test");

  private void failOnce() {
    assertThat(throttle.begin("k")).isZero();
    throttle.fail("k");
  }

  @Test
  void eachFailurePastTheFreeOnesDoublesTheWaitUpToTheCap() {
    for (int i = 0; i < 3; i++) {
      failOnce();
    }
    assertThat(throttle.begin("k")).isZero();
    throttle.fail("k");
    for (long expected : new long[] {1000, 2000, 4000, 5000, 5000}) {
      assertThat(throttle.begin("k")).isEqualTo(Duration.ofMillis(expected));
      clock.advance(Duration.ofMillis(expected));
      failOnce();
    }
  }

  @Test
  void aKeyWithoutFailuresForTheWindowStartsAfresh() {
    for (int i = 0; i < 4; i++) {
      failOnce();
    }
    assertThat(throttle.begin("k")).isPositive();
    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 4; i++) {
      failOnce();
    }
    assertThat(throttle.begin("k")).isPositive();
  }

  @Test
  void attemptsInFlightCountAgainstTheFreeFailures() {
    // Twenty guesses arrive together: only the free ones are admitted before any is decided.
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      if (throttle.begin("k").isZero()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      throttle.fail("k");
    }
    // Past the free failures, one at a time.
    assertThat(throttle.begin("k")).isZero();
    assertThat(throttle.begin("k")).isPositive();
    throttle.pass("k");
    assertThat(throttle.begin("k")).isZero();
  }

  @Test
  void forgivingClearsTheFailures() {
    for (int i = 0; i < 4; i++) {
      failOnce();
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.begin("k")).isZero();
    throttle.forgive("k");
    for (int i = 0; i < 3; i++) {
      failOnce();
    }
    assertThat(throttle.begin("k")).isZero();
  }
}
