package dev.gatehouse.oidc;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code jti}s of accepted client assertions until they expire, so that each assertion is used
 * once (RFC 7523 §3 item 7).
 *
 * <p>What always holds: a key is accepted at most once while its expiry lies ahead; the check and
 * the record are one atomic step, so two racing requests with one assertion cannot both pass. It is
 * memory only (no write per request), so a restart forgets it: an assertion seen just before a
 * restart could be replayed within what is left of its lifetime, at most a few minutes. Expired
 * entries are swept at most every 30 seconds; when full, new assertions are refused rather than
 * forgetting live ones.
 */
final class SeenJtis {
  private static final int MAX_ENTRIES = 200_000;
  private static final long SWEEP_EVERY_MS = 30_000;

  private final Map<String, Long> expiries = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong();
  private final InstantSource clock;

  SeenJtis(InstantSource clock) {
    this.clock = clock;
  }

  /** Whether {@code key} is seen for the first time; it is then remembered until {@code until}. */
  boolean firstUse(String key, long until) {
    long now = clock.millis();
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MS)) {
      expiries.values().removeIf(at -> at <= now);
    }
    if (expiries.size() >= MAX_ENTRIES) {
      return false;
    }
    Long previous = expiries.putIfAbsent(key, until);
    return previous == null || (previous <= now && expiries.replace(key, previous, until));
  }
}
