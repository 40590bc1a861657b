package dev.gatehouse.session;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.MissedLookups;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.UserEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final @Nullable MissedLookups missed;

  /**
   * @param missed which unknown cookies may be looked up in the database, on a database other nodes
   *     write to; null on one node, where a cookie memory does not know does not exist
   */
  public Sessions(
      Writer writer,
      Reads reads,
      Secrets secrets,
      InstantSource clock,
      SessionPolicy policy,
      Events events,
      @Nullable MissedLookups missed) {
    this.writer = writer;
    this.reads = reads;
    this.secrets = secrets;
    this.clock = clock;
    this.policy = policy;
    this.missed = missed;
    events.subscribe(
        SessionEvent.class,
        event -> {
          switch (event) {
            case SessionEvent.Started started -> {
              // Heard again from the database: keep the copy whose activity this node tracks.
              byDigest.putIfAbsent(started.session().digest(), started.session());
              if (missed != null) {
                missed.found(started.session().digest());
              }
            }
            case SessionEvent.Ended ended -> ended.digests().forEach(byDigest::remove);
          }
        });
    events.subscribe(
        UserEvent.UserDeleted.class,
        deleted -> byDigest.values().removeIf(s -> s.userId().equals(deleted.id())));
    events.onAnnounced(SessionEvent.TOPIC, this::reread);
    events.onReload(this::load);
  }

  private static final String SESSIONS =
      "SELECT id_digest, user_id, created_at, last_seen, expires_at, ip, user_agent, amr"
          + " FROM sessions WHERE expires_at > ?";

  /**
   * Loads every unexpired session, replacing what memory held: at start, before serving, and when a
   * cluster node may have missed announcements.
   */
  public void load() {
    Map<String, ActiveSession> loaded = new HashMap<>();
    reads
        .read(q -> q.list(SESSIONS, this::row, clock.millis()))
        .forEach(s -> loaded.put(s.digest(), s));
    byDigest.keySet().retainAll(loaded.keySet());
    loaded.values().forEach(s -> byDigest.putIfAbsent(s.digest(), s));
  }

  /** What another node's change to the session behind {@code digest} means here. */
  private List<SessionEvent> reread(String digest) {
    return stored(digest)
        .<List<SessionEvent>>map(s -> List.of(new SessionEvent.Started(s)))
        .orElseGet(() -> List.of(new SessionEvent.Ended(Set.of(digest))));
  }

  private Optional<ActiveSession> stored(String digest) {
    return reads.read(
        q -> q.one(SESSIONS + " AND id_digest = ?", this::row, clock.millis(), digest));
  }

  private ActiveSession row(ResultSet row) throws SQLException {
    return new ActiveSession(
        row.getString(1),
        row.getString(2),
        row.getLong(3),
        row.getLong(4),
        row.getLong(5),
        share(row.getString(6)),
        truncate(row.getString(7)),
        Amr.parse(row.getString(8)));
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

  /**
   * Whether a cookie {@link #resolve} found no live session for should be looked up in the database
   * ({@link #lookUp}) before the answer is "signed out": on a cluster only, for a well-formed
   * cookie not looked up in vain lately, within the lookups allowed a second. Covers a sign-in on
   * another node not yet heard of, and a session idle here but active on another node (the idle
   * timeout holds for the cluster, not per node). Hot path: no I/O.
   */
  public boolean worthLookingUp(String token) {
    if (missed == null) {
      return false;
    }
    String digest = Secrets.digest(token);
    long now = clock.millis();
    ActiveSession known = byDigest.get(digest);
    if (known != null && (known.validAt(now, policy.idle().toMillis()) || known.expired(now))) {
      return false;
    }
    return missed.mayLookUp(token, digest, now);
  }

  /**
   * Reads the session behind {@code token} from the database (blocking: off the event loop), takes
   * it into memory, or the activity other nodes recorded for it, and resolves again. A session the
   * database does not hold is remembered as missing for a while.
   */
  public @Nullable ActiveSession lookUp(String token) {
    MissedLookups lookups = missed;
    if (lookups == null) {
      return resolve(token);
    }
    String digest = Secrets.digest(token);
    Optional<ActiveSession> stored = stored(digest);
    if (stored.isEmpty()) {
      lookups.missing(digest);
      return null;
    }
    ActiveSession known = byDigest.putIfAbsent(digest, stored.get());
    if (known != null) {
      known.seen(stored.get().lastSeenMillis());
    }
    return resolve(token);
  }

  /**
   * As {@link #resolve}, for a caller that may block (the portal, OIDC): a cookie memory does not
   * know is looked up when {@link #worthLookingUp} says so.
   */
  public @Nullable ActiveSession current(String token) {
    ActiveSession session = resolve(token);
    return session != null || !worthLookingUp(token) ? session : lookUp(token);
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
   * Persists activity since the last flush in one unit of work, and deletes sessions that expired
   * or went idle. Called periodically in the background and once at shutdown.
   *
   * <p>Idle is judged by the database, not by memory: on a cluster each node records the activity
   * it saw, so a session idle here may be busy on another node. Memory only says whether to look:
   * with nothing touched and nothing idle here, no unit is written at all. The deletion runs on one
   * node at a time ({@link Tx#runsAlone}); what it deleted is announced to all.
   */
  public void flush() {
    long now = clock.millis();
    long idle = policy.idle().toMillis();
    List<ActiveSession> touched = new ArrayList<>(dirty);
    dirty.removeAll(touched);
    List<ActiveSession> stale = new ArrayList<>();
    for (ActiveSession session : byDigest.values()) {
      if (!session.validAt(now, idle)) {
        stale.add(session);
      }
    }
    if (touched.isEmpty() && stale.isEmpty()) {
      return;
    }
    try {
      writer.write(
          DataClass.EPHEMERAL,
          tx -> {
            for (ActiveSession session : touched) {
              tx.update(
                  "UPDATE sessions SET last_seen = ? WHERE id_digest = ? AND last_seen < ?",
                  session.lastSeenMillis(),
                  session.digest(),
                  session.lastSeenMillis());
            }
            if (!stale.isEmpty() && tx.runsAlone("sessions cleanup")) {
              Set<String> ended =
                  Set.copyOf(
                      tx.list(
                          "DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?"
                              + " RETURNING id_digest",
                          row -> row.getString(1),
                          now,
                          now - idle));
              if (!ended.isEmpty()) {
                tx.publish(new SessionEvent.Ended(ended));
              }
            }
            return null;
          });
      // Still here and not ended: active on another node; take its activity.
      for (ActiveSession session : stale) {
        if (byDigest.get(session.digest()) == session && !session.expired(now)) {
          stored(session.digest()).ifPresent(s -> session.seen(s.lastSeenMillis()));
        }
      }
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
