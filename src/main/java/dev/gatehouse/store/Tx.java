package dev.gatehouse.store;

import dev.gatehouse.event.DomainEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The writer's connection as one unit of work sees it: SQL plus events to publish once the unit has
 * committed. Events of a unit that rolls back are dropped with it.
 */
public final class Tx extends Query {
  private final List<DomainEvent> events = new ArrayList<>();
  private final Backend backend;

  Tx(Connection connection, LongAdder statements, Backend backend) {
    super(connection, statements);
    this.backend = backend;
  }

  /**
   * Whether this node may run the job called {@code job} in this batch: on a database other nodes
   * share, one node at a time holds the job's lock until its transaction ends (PostgreSQL's
   * transaction-level advisory lock, which a dead node's connection gives up by itself); the others
   * skip it, never wait. On a database of one node's own, always.
   */
  public boolean runsAlone(String job) {
    String sql = backend.jobLock(false);
    return sql == null
        || one(sql, row -> row.getBoolean(1), JOB_LOCKS, job.hashCode()).orElseThrow();
  }

  /**
   * As {@link #runsAlone}, but waits for the node that runs {@code job} to commit: for a job whose
   * every node needs its outcome (the first signing keys), which then checks what that node did.
   */
  public void waitForJob(String job) {
    String sql = backend.jobLock(true);
    if (sql != null) {
      one(sql, row -> row.getBoolean(1), JOB_LOCKS, job.hashCode());
    }
  }

  /** The first key of every job lock: Gatehouse's own range ("gh"), apart from anyone else's. */
  private static final int JOB_LOCKS = 0x6768;

  /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
  public int update(String sql, @Nullable Object... args) {
    try (PreparedStatement statement = prepare(sql, args)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  /** Publishes {@code event} to subscribers after this unit's batch has committed. */
  public void publish(DomainEvent event) {
    events.add(event);
  }

  List<DomainEvent> events() {
    return events;
  }
}
