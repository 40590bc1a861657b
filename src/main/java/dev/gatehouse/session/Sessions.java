package dev.gatehouse.session;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.UserEvent;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Login sessions. The cookie carries 256 random bits; only their SHA-256 digest is stored, in the
 * database and in memory. Resolving a cookie on the hot path is a digest and a map lookup: no query
 * and no write. Logins, logouts and revocations go through the writer and reach memory through
 * events before the call returns.
 */
public final class Sessions {
  private final Writer writer;
  private final Reads reads;
  private final Secrets secrets;
  private final InstantSource clock;
  private final SessionPolicy policy;
  private final Map<String, ActiveSession> byDigest = new ConcurrentHashMap<>();
  private final Set<ActiveSession> dirty = ConcurrentHashMap.newKeySet();
  private final Map<String, String> shared = new ConcurrentHashMap<>();

  public Sessions(
      Writer writer,
      Reads reads,
      Secrets secrets,
      InstantSource clock,
      SessionPolicy policy,
      Events events) {
    this.writer = writer;
    this.reads = reads;
    this.secrets = secrets;
    this.clock = clock;
    this.policy = policy;
    events.subscribe(
        SessionEvent.class,
        event -> {
          switch (event) {
            case SessionEvent.Started started ->
                byDigest.put(started.session().digest(), started.session());
            case SessionEvent.Ended ended -> ended.digests().forEach(byDigest::remove);
          }
        });
    events.subscribe(
        UserEvent.UserDeleted.class,
        deleted -> byDigest.values().removeIf(s -> s.userId().equals(deleted.id())));
  }

  /** Loads every unexpired session; call once at start, before serving. */
  public void load() {
    long now = clock.millis();
    reads
        .read(
            q ->
                q.list(
                    "SELECT id_digest, user_id, created_at, last_seen, expires_at, ip, user_agent,"
                        + " amr FROM sessions WHERE expires_at > ?",
                    row ->
                        new ActiveSession(
                            row.getString(1),
                            row.getString(2),
                            row.getLong(3),
                            row.getLong(4),
                            row.getLong(5),
                            share(row.getString(6)),
                            truncate(row.getString(7)),
                            Amr.parse(row.getString(8))),
                    now))
        .forEach(s -> byDigest.put(s.digest(), s));
  }

  /**
   * Starts a session for {@code userId}, proved by {@code amr}, and ends the one behind {@code
   * replacing} (the browser's previous cookie, if any) in the same unit of work: a new id at every
   * sign-in and step-up, so a cookie planted or stolen before is worth nothing after. Returns the
   * cookie value, which is never stored.
   */
  public String start(
      String userId,
      Amr amr,
      @Nullable String replacing,
      @Nullable String ip,
      @Nullable String userAgent) {
    String token = secrets.generate("");
    long now = clock.millis();
    ActiveSession session =
        new ActiveSession(
            Secrets.digest(token),
            userId,
            now,
            now,
            now + policy.lifetime().toMillis(),
            share(ip),
            truncate(userAgent),
            amr);
    String previous = replacing == null ? null : Secrets.digest(replacing);
    writer.write(
        DataClass.EPHEMERAL,
        tx -> {
          if (previous != null && byDigest.containsKey(previous)) {
            deleteIn(tx, Set.of(previous));
          }
          tx.update(
              "INSERT INTO sessions (id_digest, user_id, created_at, last_seen, expires_at, ip,"
                  + " user_agent, amr) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              session.digest(),
              userId,
              now,
              now,
              session.expiresAt().toEpochMilli(),
              ip,
              session.userAgent(),
              amr.stored());
          tx.publish(new SessionEvent.Started(session));
          return null;
        });
    return token;
  }

  /**
   * The live session for a cookie value, or null. Hot path: no I/O. Marks the session active so
   * that the idle timeout slides; the database learns of it at the next flush.
   */
  public @Nullable ActiveSession resolve(String token) {
    ActiveSession session = byDigest.get(Secrets.digest(token));
    if (session == null) {
      return null;
    }
    long now = clock.millis();
    if (!session.validAt(now, policy.idle().toMillis())) {
      return null;
    }
    if (session.touch(now)) {
      dirty.add(session);
    }
    return session;
  }

  /** Ends the session behind a cookie value (logout). */
  public void end(String token) {
    String digest = Secrets.digest(token);
    if (byDigest.containsKey(digest)) {
      delete(Set.of(digest));
    }
  }

  /** Revokes one of {@code userId}'s sessions by its public id; false when there is none. */
  public boolean revoke(String userId, String sessionId) {
    for (ActiveSession session : byDigest.values()) {
      if (session.userId().equals(userId) && session.id().equals(sessionId)) {
        delete(Set.of(session.digest()));
        return true;
      }
    }
    return false;
  }

  /**
   * Ends {@code userId}'s sessions inside {@code tx} but the one with public id {@code keptId}: a
   * password change or disabling, in the same unit of work as the change (see {@code
   * user.DerivedCredentials}). Reads the table, not memory, so a session started earlier in the
   * same group commit ends too.
   */
  public void endIn(Tx tx, String userId, @Nullable String keptId) {
    Set<String> digests = new HashSet<>();
    for (String digest :
        tx.list(
            "SELECT id_digest FROM sessions WHERE user_id = ?", row -> row.getString(1), userId)) {
      if (keptId == null || !digest.startsWith(keptId)) {
        digests.add(digest);
      }
    }
    deleteIn(tx, digests);
  }

  /** Ends every session of {@code userId} (an admin's act); returns how many there were. */
  public int endAll(String userId) {
    return writer.write(
        DataClass.EPHEMERAL,
        tx -> {
          int before =
              tx.list(
                      "SELECT id_digest FROM sessions WHERE user_id = ?",
                      row -> row.getString(1),
                      userId)
                  .size();
          endIn(tx, userId, null);
          return before;
        });
  }

  /** {@code userId}'s live sessions, most recently active first. */
  public List<ActiveSession> of(String userId) {
    long now = clock.millis();
    List<ActiveSession> sessions = new ArrayList<>();
    for (ActiveSession session : byDigest.values()) {
      if (session.userId().equals(userId) && session.validAt(now, policy.idle().toMillis())) {
        sessions.add(session);
      }
    }
    sessions.sort(Comparator.comparingLong(ActiveSession::lastSeenMillis).reversed());
    return sessions;
  }

  public int size() {
    return byDigest.size();
  }

  /**
   * Persists activity since the last flush in one unit of work, and deletes expired sessions.
   * Called periodically in the background and once at shutdown.
   */
  public void flush() {
    long now = clock.millis();
    long idle = policy.idle().toMillis();
    List<ActiveSession> touched = new ArrayList<>(dirty);
    dirty.removeAll(touched);
    Set<String> expired = new HashSet<>();
    for (ActiveSession session : byDigest.values()) {
      if (!session.validAt(now, idle)) {
        expired.add(session.digest());
      }
    }
    if (touched.isEmpty() && expired.isEmpty()) {
      return;
    }
    try {
      writer.write(
          DataClass.EPHEMERAL,
          tx -> {
            for (ActiveSession session : touched) {
              tx.update(
                  "UPDATE sessions SET last_seen = ? WHERE id_digest = ?",
                  session.lastSeenMillis(),
                  session.digest());
            }
            deleteIn(tx, expired);
            return null;
          });
    } catch (RuntimeException e) {
      // Not written (disk full, shutting down): keep the activity for the next flush.
      dirty.addAll(touched);
      throw e;
    }
  }

  private void delete(Set<String> digests) {
    writer.write(DataClass.EPHEMERAL, tx -> deleteIn(tx, digests));
  }

  private static @Nullable Void deleteIn(Tx tx, Set<String> digests) {
    for (String digest : digests) {
      tx.update("DELETE FROM sessions WHERE id_digest = ?", digest);
    }
    if (!digests.isEmpty()) {
      tx.publish(new SessionEvent.Ended(Set.copyOf(digests)));
    }
    return null;
  }

  private @Nullable String truncate(@Nullable String userAgent) {
    return userAgent == null || userAgent.length() <= 300
        ? share(userAgent)
        : share(userAgent.substring(0, 300));
  }

  /**
   * One copy of each user agent and address for all sessions: most sessions come from a handful of
   * browsers and networks, and 100k sessions would otherwise hold 200k strings.
   */
  private @Nullable String share(@Nullable String value) {
    return value == null ? null : shared.computeIfAbsent(value, v -> v);
  }
}
