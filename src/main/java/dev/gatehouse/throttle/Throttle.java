package dev.gatehouse.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Exponential back-off for one kind of guess, keyed by who guesses (an address, an account).
 *
 * <p>What holds: a key's first {@code free} failures cost nothing; each further failure makes the
 * key wait {@code base × 2^(n − free − 1)}, capped at {@code max}, counted from that failure. An
 * attempt is admitted by {@link #begin} and ended by {@link #fail}, {@link #pass} or {@link
 * #forgive}. While a key waits, {@code begin} refuses <em>before</em> the caller does the expensive
 * work, and a refusal is not a failure, so a guesser cannot push the wait further than its own
 * checked guesses do. Admitted attempts count as failures until they end: a key may have only as
 * many attempts in flight as it has free failures left, and one at a time past them, so twenty
 * guesses sent at once cannot all slip through before the first is counted. A key with no failure
 * for {@code window} starts afresh. At most {@code maxKeys} keys are held: Caffeine evicts by
 * frequency (W-TinyLFU), so a flood of one-off keys evicts one-off keys rather than the persistent
 * guessers, and memory stays bounded.
 */
public final class Throttle {
  /** The back-off of one throttle. */
  public record Limits(int free, Duration base, Duration max, Duration window, int maxKeys) {}

  /** A key's failures, the last one's time, until when it must wait, and its attempts in flight. */
  private record Entry(int failures, long lastMillis, long waitUntilMillis, int inFlight) {
    private Entry ended() {
      return new Entry(failures, lastMillis, waitUntilMillis, Math.max(0, inFlight - 1));
    }
  }

  private final Limits limits;
  private final InstantSource clock;
  private final Cache<String, Entry> entries;
  private final CounterDataPoint throttled;
  private final CounterDataPoint lockouts;
  private final BiConsumer<String, Duration> lockedOut;

  Throttle(
      Limits limits,
      InstantSource clock,
      CounterDataPoint throttled,
      CounterDataPoint lockouts,
      BiConsumer<String, Duration> lockedOut) {
    this.lockedOut = lockedOut;
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
   * Admits an attempt of {@code key} (zero), or answers how long it must wait first; a refusal is
   * counted as a throttled attempt. An admitted attempt must end in {@link #fail}, {@link #pass} or
   * {@link #forgive}.
   */
  public Duration begin(String key) {
    long now = clock.millis();
    long[] refusal = {0};
    entries
        .asMap()
        .compute(
            key,
            (k, old) -> {
              Entry entry = current(old, now, 0);
              if (entry.waitUntilMillis() > now) {
                refusal[0] = entry.waitUntilMillis() - now;
                return entry;
              }
              boolean room =
                  entry.inFlight() == 0 || entry.failures() + entry.inFlight() < limits.free();
              if (!room) {
                // The attempt in flight decides whether this one would have to wait.
                refusal[0] = limits.base().toMillis();
                return entry;
              }
              return new Entry(
                  entry.failures(),
                  entry.lastMillis(),
                  entry.waitUntilMillis(),
                  entry.inFlight() + 1);
            });
    if (refusal[0] <= 0) {
      return Duration.ZERO;
    }
    throttled.inc();
    return Duration.ofMillis(refusal[0]);
  }

  /**
   * {@code old} while its window lasts; else a fresh entry that keeps the attempts in flight
   * ({@code inFlightIfNew} when the key was not tracked at all, e.g. evicted meanwhile).
   */
  private Entry current(@Nullable Entry old, long now, int inFlightIfNew) {
    if (old == null) {
      return new Entry(0, now, 0, inFlightIfNew);
    }
    return now - old.lastMillis() > limits.window().toMillis()
        ? new Entry(0, now, 0, old.inFlight())
        : old;
  }

  /** Ends an admitted attempt as a failure; past the free ones, it makes the key wait. */
  public void fail(String key) {
    long now = clock.millis();
    Entry failed =
        entries
            .asMap()
            .compute(
                key,
                (k, old) -> {
                  Entry entry = current(old, now, 1);
                  int failures = entry.failures() + 1;
                  return new Entry(failures, now, now + delay(failures), entry.inFlight()).ended();
                });
    if (failed.waitUntilMillis() > now) {
      lockedOut(key, Duration.ofMillis(failed.waitUntilMillis() - now));
    }
  }

  /** Ends an admitted attempt that was not a failure, keeping the key's failures. */
  public void pass(String key) {
    entries.asMap().computeIfPresent(key, (k, old) -> old.ended());
  }

  /** Ends an admitted attempt and forgets the key's failures, as a successful sign-in does. */
  public void forgive(String key) {
    entries
        .asMap()
        .computeIfPresent(
            key,
            (k, old) ->
                old.inFlight() <= 1 ? null : new Entry(0, old.lastMillis(), 0, old.inFlight() - 1));
  }

  /**
   * A failure made {@code key} wait {@code wait}. The one place a lock-out happens, for whatever
   * must hear of it: the metric and the audit log.
   */
  private void lockedOut(String key, Duration wait) {
    lockouts.inc();
    lockedOut.accept(key, wait);
  }

  private long delay(int failures) {
    int over = failures - limits.free();
    if (over <= 0) {
      return 0;
    }
    long base = limits.base().toMillis();
    long max = limits.max().toMillis();
    // Past 40 doublings the cap is long reached, and a shift would overflow.
    return over > 40 ? max : Math.min(max, base << (over - 1));
  }
}
