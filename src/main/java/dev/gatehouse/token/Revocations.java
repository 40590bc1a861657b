package dev.gatehouse.token;

import dev.gatehouse.event.Events;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked grant ids and access token ids, and per-user cut-offs (every token issued to the user
 * until then), in memory for verification, persisted so that a restart does not bring a revoked
 * token back. An entry is kept only as long as a token it covers can live.
 */
final class Revocations {
  private final Map<String, Long> until = new ConcurrentHashMap<>();
  private final Map<String, UserTokensRevoked> cutoffs = new ConcurrentHashMap<>();
  private final InstantSource clock;

  Revocations(Events events, Reads reads, InstantSource clock) {
    this.clock = clock;
    events.subscribe(
        TokenEvent.class,
        event -> {
          long now = clock.millis();
          until.values().removeIf(expires -> expires <= now);
          until.putAll(event.revoked());
        });
    events.subscribe(
        UserTokensRevoked.class,
        cutoff -> {
          long now = clock.millis();
          cutoffs.values().removeIf(c -> c.until() <= now);
          cutoffs.put(cutoff.userId(), cutoff);
        });
    // Revocations are only ever added, so re-reading a row and loading again both add.
    events.onAnnounced(
        TokenEvent.TOPIC,
        id ->
            reads
                .read(
                    q ->
                        q.list(
                            "SELECT id, expires_at FROM revocations WHERE id = ?",
                            row -> Map.entry(row.getString(1), row.getLong(2)),
                            id))
                .stream()
                .map(e -> new TokenEvent(Map.of(e.getKey(), e.getValue())))
                .toList());
    events.onAnnounced(
        UserTokensRevoked.TOPIC,
        userId ->
            reads.read(q -> q.list(CUTOFFS + " WHERE user_id = ?", Revocations::cutoff, userId)));
    events.onReload(() -> load(reads));
  }

  private static final String CUTOFFS =
      "SELECT user_id, issued_before, expires_at FROM user_token_cutoffs";

  private static UserTokensRevoked cutoff(ResultSet row) throws SQLException {
    return new UserTokensRevoked(row.getString(1), row.getLong(2), row.getLong(3));
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
    reads
        .read(q -> q.list(CUTOFFS + " WHERE expires_at > ?", Revocations::cutoff, now))
        .forEach(c -> cutoffs.put(c.userId(), c));
  }

  boolean isRevoked(String id) {
    Long expires = until.get(id);
    return expires != null && expires > clock.millis();
  }

  /**
   * Whether a token issued to {@code userId} at {@code issuedAt} (epoch millis; JWT {@code iat} has
   * whole seconds, so a token issued in the same second as the cut-off, even just after it, counts
   * as before: refusing a fresh token for a second is safer than accepting an old one).
   */
  boolean isRevoked(String userId, long issuedAt) {
    UserTokensRevoked cutoff = cutoffs.get(userId);
    return cutoff != null && issuedAt <= cutoff.issuedBefore() && cutoff.until() > clock.millis();
  }

  /** Revokes every token issued to {@code userId} until {@code now}, inside {@code tx}. */
  static void revokeUser(Tx tx, long now, String userId) {
    long until = now + SigningKeys.MAX_TOKEN_LIFETIME.toMillis();
    tx.update("DELETE FROM user_token_cutoffs WHERE expires_at <= ?", now);
    // An upsert, not DELETE then INSERT: two nodes revoking one user at once must not collide on
    // the key (a unique violation on PostgreSQL under READ COMMITTED).
    tx.update(
        "INSERT INTO user_token_cutoffs (user_id, issued_before, expires_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (user_id) DO UPDATE SET issued_before = excluded.issued_before,"
            + " expires_at = excluded.expires_at",
        userId,
        now,
        until);
    tx.publish(new UserTokensRevoked(userId, now, until));
  }

  /** Records revocations inside {@code tx}; memory learns of them after the commit. */
  static void revoke(Tx tx, long now, Map<String, Long> ids) {
    tx.update("DELETE FROM revocations WHERE expires_at <= ?", now);
    for (Map.Entry<String, Long> id : ids.entrySet()) {
      tx.update(
          "INSERT INTO revocations (id, expires_at) VALUES (?, ?)"
              + " ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at",
          id.getKey(),
          id.getValue());
    }
    tx.publish(new TokenEvent(Map.copyOf(ids)));
  }
}
