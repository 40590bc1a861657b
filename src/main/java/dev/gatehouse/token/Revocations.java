package dev.gatehouse.token;

import dev.gatehouse.event.Events;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked grant ids and access token ids, in memory for verification, persisted so that a restart
 * does not bring a revoked token back. An entry is kept only as long as a token it covers can live.
 */
final class Revocations {
  private final Map<String, Long> until = new ConcurrentHashMap<>();
  private final InstantSource clock;

  Revocations(Events events, InstantSource clock) {
    this.clock = clock;
    events.subscribe(
        TokenEvent.class,
        event -> {
          long now = clock.millis();
          until.values().removeIf(expires -> expires <= now);
          until.putAll(event.revoked());
        });
  }

  void load(Reads reads) {
    long now = clock.millis();
    reads
        .read(
            q ->
                q.list(
                    "SELECT id, expires_at FROM revocations WHERE expires_at > ?",
                    row -> Map.entry(row.getString(1), row.getLong(2)),
                    now))
        .forEach(e -> until.put(e.getKey(), e.getValue()));
  }

  boolean isRevoked(String id) {
    Long expires = until.get(id);
    return expires != null && expires > clock.millis();
  }

  /** Records revocations inside {@code tx}; memory learns of them after the commit. */
  static void revoke(Tx tx, long now, Map<String, Long> ids) {
    tx.update("DELETE FROM revocations WHERE expires_at <= ?", now);
    for (Map.Entry<String, Long> id : ids.entrySet()) {
      tx.update("DELETE FROM revocations WHERE id = ?", id.getKey());
      tx.update(
          "INSERT INTO revocations (id, expires_at) VALUES (?, ?)", id.getKey(), id.getValue());
    }
    tx.publish(new TokenEvent(Map.copyOf(ids)));
  }
}
