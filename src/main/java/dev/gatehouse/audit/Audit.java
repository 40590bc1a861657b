package dev.gatehouse.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.event.Events;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.RowMapper;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The audit log's facade.
 *
 * <p>What always holds:
 *
 * <ul>
 *   <li>Every event is a row written by the store's writer as {@link DataClass#AUDIT} (its own
 *       {@code audit_log_sync}), or inside the unit of the change it describes ({@link #recordIn}),
 *       so it commits or rolls back with that change.
 *   <li>{@link #record} never waits: it queues the row and returns, so a sign-in is not slowed by
 *       its own event, and a burst of events shares the writer's group commit. Nothing on the
 *       forward-auth path records anything.
 *   <li>The stdout line is printed from the committed event, on the writer thread in commit order,
 *       so the log and the table never disagree and lines carry the row's id. It is one short
 *       {@code println}: a stdout nobody drains would stall the writer, as it would stall every
 *       other log line.
 *   <li>Details never hold a credential ({@link AuditEntry} scrubs them).
 * </ul>
 */
public final class Audit {
  private static final Logger LOG = Logger.getLogger(Audit.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rows deleted per unit: small enough that the writer is never held for long. */
  static final int PURGE_BATCH = 1000;

  /**
   * How often expired events are purged; retention is counted in days, an hour is precise enough.
   */
  static final Duration PURGE_EVERY = Duration.ofHours(1);

  private static final String COLUMNS =
      "id, time, kind, actor_kind, actor_id, actor_name, subject_user_id, subject_username,"
          + " object_type, object_id, ip, user_agent, reason, details";

  private static final RowMapper<AuditEvent> ROW =
      row ->
          new AuditEvent(
              row.getLong("id"),
              Instant.ofEpochMilli(row.getLong("time")),
              new AuditEntry(
                  AuditKind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
                  new Actor(
                      Actor.Kind.valueOf(row.getString("actor_kind").toUpperCase(Locale.ROOT)),
                      row.getString("actor_id"),
                      row.getString("actor_name")),
                  row.getString("subject_user_id"),
                  row.getString("subject_username"),
                  row.getString("object_type"),
                  row.getString("object_id"),
                  row.getString("ip"),
                  row.getString("user_agent"),
                  row.getString("reason"),
                  parse(row.getString("details"))));

  private final Writer writer;
  private final Reads reads;
  private final InstantSource clock;
  private final Duration retention;
  private volatile long nextPurge;

  /**
   * @param retention how long events are kept; {@link Duration#ZERO} keeps them forever
   * @param logStdout whether each committed event is also printed as a JSON line on stdout
   */
  public Audit(
      Writer writer,
      Reads reads,
      InstantSource clock,
      Duration retention,
      boolean logStdout,
      Events events) {
    this.writer = writer;
    this.reads = reads;
    this.clock = clock;
    this.retention = retention;
    this.nextPurge = clock.millis();
    if (logStdout) {
      // System.out looked up per line, so that a redirected stdout is honoured.
      events.subscribe(AuditRecorded.class, e -> System.out.println(line(e.event())));
    }
  }

  /** Queues {@code entry} and returns at once; a failure to store it is logged. */
  public void record(AuditEntry entry) {
    writer
        .submit(DataClass.AUDIT, tx -> insert(tx, entry))
        .whenComplete(
            (id, failure) -> {
              if (failure != null) {
                LOG.log(
                    Level.WARNING, "could not record a " + entry.kind().wire() + " event", failure);
              }
            });
  }

  /**
   * Records {@code entry} and returns once it is committed: for admin changes, whose caller is told
   * the change is done only when its event is in the log too.
   */
  public void recordNow(AuditEntry entry) {
    writer.write(DataClass.AUDIT, tx -> insert(tx, entry));
  }

  /** Records {@code entry} inside a unit of work, to commit or roll back with its change. */
  public void recordIn(Tx tx, AuditEntry entry) {
    insert(tx, entry);
  }

  private long insert(Tx tx, AuditEntry e) {
    long now = clock.millis();
    // RETURNING, not last_insert_rowid(): the same statement runs on SQLite (3.35+) and PostgreSQL.
    long id =
        tx.one(
                "INSERT INTO audit_events (time, kind, actor_kind, actor_id, actor_name,"
                    + " subject_user_id, subject_username, object_type, object_id, ip, user_agent,"
                    + " reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                row -> row.getLong(1),
                now,
                e.kind().wire(),
                e.actor().kind().wire(),
                e.actor().id(),
                e.actor().name(),
                e.subjectUserId(),
                e.subjectUsername(),
                e.objectType(),
                e.objectId(),
                e.ip(),
                e.userAgent(),
                e.reason(),
                e.details().isEmpty() ? null : write(e.details()))
            .orElseThrow();
    tx.publish(new AuditRecorded(new AuditEvent(id, Instant.ofEpochMilli(now), e)));
    return id;
  }

  /**
   * One page of events, newest first. The cursor is the id the previous page ended at: ids only
   * grow and commit in order, so events recorded while paging appear before the first page and
   * never shift, duplicate or hide a later one.
   */
  public AuditPage query(AuditQuery q) {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    if (q.since() != null) {
      where.add("time >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      where.add("time < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.user() != null) {
      where.add("(subject_user_id IN (?, ?) OR subject_username = ?)");
      args.add(q.user());
      args.add(q.userId() != null ? q.userId() : q.user());
      args.add(q.user().toLowerCase(Locale.ROOT));
    }
    if (!q.kinds().isEmpty()) {
      where.add(
          "kind IN (" + q.kinds().stream().map(k -> "?").collect(Collectors.joining(", ")) + ")");
      q.kinds().stream().map(AuditKind::wire).sorted().forEach(args::add);
    }
    if (q.actor() != null) {
      where.add("(actor_id = ? OR actor_name = ? OR actor_kind = ?)");
      args.add(q.actor());
      args.add(q.actor());
      args.add(q.actor());
    }
    if (q.cursor() != null) {
      where.add("id < ?");
      args.add(decodeCursor(q.cursor()));
    }
    args.add(q.limit() + 1);
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM audit_events"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY id DESC LIMIT ?";
    List<AuditEvent> rows = reads.read((Query r) -> r.list(sql, ROW, args.toArray()));
    if (rows.size() <= q.limit()) {
      return new AuditPage(rows, null);
    }
    List<AuditEvent> page = rows.subList(0, q.limit());
    return new AuditPage(List.copyOf(page), encodeCursor(page.get(page.size() - 1).id()));
  }

  /** Purges expired events when the last purge is {@link #PURGE_EVERY} ago; for the background. */
  public void purgeIfDue() {
    long now = clock.millis();
    if (now >= nextPurge) {
      nextPurge = now + PURGE_EVERY.toMillis();
      purgeExpired();
    }
  }

  /**
   * Deletes events older than the retention, {@link #PURGE_BATCH} at a time, each batch its own
   * unit so other writes interleave. Returns how many were deleted.
   */
  public long purgeExpired() {
    if (retention.isZero()) {
      return 0;
    }
    long cutoff = clock.millis() - retention.toMillis();
    // Asked through the read pool first, so that the hourly check costs the writer nothing when
    // nothing has expired.
    boolean expired =
        reads.read(
            q ->
                q.count(
                        // The alias: PostgreSQL before 16 wants every subquery in FROM named.
                        "SELECT COUNT(*) FROM (SELECT 1 FROM audit_events WHERE time < ? LIMIT 1)"
                            + " AS expired",
                        cutoff)
                    > 0);
    if (!expired) {
      return 0;
    }
    long total = 0;
    int deleted;
    do {
      deleted =
          writer.write(
              DataClass.AUDIT,
              // On a cluster one node purges at a time; a batch another node is purging counts as
              // none here, and this node tries again in an hour.
              tx ->
                  tx.runsAlone("audit purge")
                      ? tx.update(
                          "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events"
                              + " WHERE time < ? ORDER BY id LIMIT ?)",
                          cutoff,
                          PURGE_BATCH)
                      : 0);
      total += deleted;
    } while (deleted == PURGE_BATCH);
    return total;
  }

  /**
   * The event as the admin API and stdout show it: flat, snake_case, absent fields left out, the
   * time in RFC 3339.
   */
  public static Map<String, Object> fields(AuditEvent event) {
    AuditEntry e = event.entry();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", event.id());
    f.put("time", event.time().toString());
    f.put("kind", e.kind().wire());
    f.put("actor_kind", e.actor().kind().wire());
    putIfSet(f, "actor_id", e.actor().id());
    putIfSet(f, "actor_name", e.actor().name());
    putIfSet(f, "subject_user_id", e.subjectUserId());
    putIfSet(f, "subject_username", e.subjectUsername());
    putIfSet(f, "object_type", e.objectType());
    putIfSet(f, "object_id", e.objectId());
    putIfSet(f, "ip", e.ip());
    putIfSet(f, "user_agent", e.userAgent());
    putIfSet(f, "reason", e.reason());
    if (!e.details().isEmpty()) {
      f.put("details", e.details());
    }
    return f;
  }

  /** The stdout line: the API's fields, marked as an audit event for log shippers. */
  static String line(AuditEvent event) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("log", "audit");
    f.putAll(fields(event));
    return write(f);
  }

  private static void putIfSet(Map<String, Object> f, String name, @Nullable String value) {
    if (value != null) {
      f.put(name, value);
    }
  }

  private static String encodeCursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("a" + id).getBytes(StandardCharsets.US_ASCII));
  }

  private static long decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (text.startsWith("a")) {
        long id = Long.parseLong(text.substring(1));
        if (id > 0) {
          return id;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new Failure.Invalid("cursor", "cursor is not one this API returned");
  }

  private static String write(Map<String, ?> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details must be plain JSON values", e);
    }
  }

  private static Map<String, Object> parse(@Nullable String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable audit details", e);
    }
  }
}
