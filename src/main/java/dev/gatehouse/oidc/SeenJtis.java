package dev.gatehouse.oidc;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code jti}s of accepted client assertions until they expire, so that each assertion is used
 * once (RFC 7523 §3 item 7).
 *
 * <p>What always holds: a {@code jti} is accepted at most once per client while its expiry lies
 * ahead; the check and the record are one atomic step, so two racing requests with one assertion
 * cannot both pass. Each client has its own bound ({@code oidc.max_jtis_per_client}): a client that
 * fills its own is refused new assertions until its entries expire, and no other client notices,
 * where one global bound let one client lock out all others. It is memory only (no write per
 * request), so a restart forgets it: an assertion seen just before a restart could be replayed
 * within what is left of its lifetime, at most a few minutes. Expired entries are swept at most
 * every 30 seconds; when a client's set is full, its new assertions are refused rather than
 * forgetting live ones.
 */
final class SeenJtis {
  private static final long SWEEP_EVERY_MS = 30_000;

  /** What recording a {@code jti} found. */
  enum Use {
    FIRST,
    REPLAYED,
    CLIENT_FULL
  }

  private final Map<String, Map<String, Long>> byClient = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep = new AtomicLong();
  private final InstantSource clock;
  private final int maxPerClient;

  SeenJtis(InstantSource clock, int maxPerClient) {
    this.clock = clock;
    this.maxPerClient = maxPerClient;
  }

  /** Records {@code jti} of {@code clientId} until {@code until}, unless seen or over the bound. */
  Use record(String clientId, String jti, long until) {
    long now = clock.millis();
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MS)) {
      byClient.values().forEach(seen -> seen.values().removeIf(at -> at <= now));
      byClient.values().removeIf(Map::isEmpty);
    }
    Map<String, Long> seen = byClient.computeIfAbsent(clientId, id -> new ConcurrentHashMap<>());
    Long previous = seen.get(jti);
    if (previous != null) {
      return previous <= now && seen.replace(jti, previous, until) ? Use.FIRST : Use.REPLAYED;
    }
    if (seen.size() >= maxPerClient) {
      return Use.CLIENT_FULL;
    }
    return seen.putIfAbsent(jti, until) == null ? Use.FIRST : Use.REPLAYED;
  }
}
