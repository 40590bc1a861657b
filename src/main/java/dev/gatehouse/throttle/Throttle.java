package dev.gatehouse.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * Exponential back-off for one kind of guess, keyed by who guesses (an address, an account).
 *
 * <p>What holds: a key's first {@code free} charges cost nothing; each further charge makes the key
 * wait {@code base × 2^(n − free − 1)}, capped at {@code max}, counted from that charge. While a
 * key waits, {@link #waitFor} is positive and the caller refuses the attempt <em>before</em> doing
 * the expensive work, and without charging it, so a guesser cannot push the wait further than its
 * own checked guesses do. A key with no charge for {@code window} starts afresh. At most {@code
 * maxKeys} keys are held: Caffeine evicts by frequency (W-TinyLFU), so a flood of one-off keys
 * evicts one-off keys rather than the persistent guessers, and memory stays bounded.
 */
public final class Throttle {
  /** The back-off of one throttle. */
  public record Limits(int free, Duration base, Duration max, Duration window, int maxKeys) {}

  /** A key's failures so far, the last one's time, and until when it must wait. */
  private record Entry(int failures, long lastMillis, long waitUntilMillis) {}

  private final Limits limits;
  private final InstantSource clock;
  private final Cache<String, Entry> entries;
  private final CounterDataPoint throttled;
  private final CounterDataPoint lockouts;

  Throttle(
      Limits limits, InstantSource clock, CounterDataPoint throttled, CounterDataPoint lockouts) {
    this.limits = limits;
    this.clock = clock;
    this.throttled = throttled;
    this.lockouts = lockouts;
    Duration keep = limits.window().compareTo(limits.max()) > 0 ? limits.window() : limits.max();
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(limits.maxKeys())
            .expireAfterWrite(keep)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  /**
   * How long {@code key} must wait before its next attempt is heard; zero when it may try now. A
   * positive answer counts as a throttled attempt.
   */
  public Duration waitFor(String key) {
    Entry entry = entries.getIfPresent(key);
    long left = entry == null ? 0 : entry.waitUntilMillis() - clock.millis();
    if (left <= 0) {
      return Duration.ZERO;
    }
    throttled.inc();
    return Duration.ofMillis(left);
  }

  /** Counts a failed attempt against {@code key}; past the free ones, it makes the key wait. */
  public void charge(String key) {
    long now = clock.millis();
    Entry charged =
        entries
            .asMap()
            .compute(
                key,
                (k, old) -> {
                  int failures =
                      old == null || now - old.lastMillis() > limits.window().toMillis()
                          ? 1
                          : old.failures() + 1;
                  return new Entry(failures, now, now + delay(failures));
                });
    if (charged.waitUntilMillis() > now) {
      lockedOut(key, Duration.ofMillis(charged.waitUntilMillis() - now));
    }
  }

  /** Forgets {@code key}'s failures, as after a successful sign-in to the account. */
  public void forgive(String key) {
    entries.invalidate(key);
  }

  /**
   * A charge made {@code key} wait {@code wait}. The one place a lock-out happens, for whatever
   * must hear of it (the metric now, the audit log later).
   */
  @SuppressWarnings("unused") // key and wait: what an audit event will carry
  private void lockedOut(String key, Duration wait) {
    lockouts.inc();
  }

  private long delay(int failures) {
    int over = failures - limits.free();
    if (over <= 0) {
      return 0;
    }
    long base = limits.base().toMillis();
    long max = limits.max().toMillis();
    // Doubling past 2^40 overflows nothing only because the cap is reached long before.
    return over > 40 ? max : Math.min(max, base << (over - 1));
  }
}
