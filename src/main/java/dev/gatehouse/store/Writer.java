package dev.gatehouse.store;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.event.Events;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one and only writer: a single thread that owns the single write connection.
 *
 * <p>What always holds:
 *
 * <ul>
 *   <li>Every write in Gatehouse is a {@link Unit} submitted here; nothing else writes.
 *   <li>The thread takes whatever is queued (up to {@link #MAX_BATCH} units) and commits it as one
 *       transaction with one sync: group commit. Under load, many callers share one sync, so
 *       throughput grows with concurrency instead of being capped at one write per sync latency.
 *   <li>Each unit runs inside its own savepoint. A unit that throws is rolled back to its savepoint
 *       and gets its own exception; the rest of the batch still commits. (A unit alone in its batch
 *       needs none: its failure rolls the whole transaction back.)
 *   <li>If the commit itself fails, no unit of the batch is applied and every caller gets the
 *       error. A unit that hits an unavailable database (disk full, read-only, I/O error) fails the
 *       whole batch the same way, since SQLite may already have rolled the transaction back. After
 *       such a batch the next one first checks the connection and, on PostgreSQL, opens a new one
 *       once the server is back: no restart needed.
 *   <li>Just before COMMIT, the batch's announcements (what its committed units changed) are sent
 *       inside the transaction ({@link Backend#announce}), so other nodes hear of a change exactly
 *       when, and only if, it commits.
 *   <li>The writer issues BEGIN, COMMIT and ROLLBACK itself on a connection the driver keeps in
 *       auto-commit: the driver's own transaction handling runs BEGIN right after COMMIT (so a
 *       failing BEGIN would report a committed batch as failed) and skips it when ROLLBACK fails
 *       (leaving the next batch to autocommit statement by statement). After a failed batch the
 *       connection is always back outside any transaction, so the next batch starts clean.
 *   <li>The batch is made durable as the strictest data class in it asks, by its {@link Backend}
 *       (SQLite: the {@link Syncer} after the commit; PostgreSQL: {@code synchronous_commit}); with
 *       {@code immediate}, before anyone is released.
 *   <li>After the commit, the events of the committed units are published in commit order, and only
 *       then are the callers released. A returned write is therefore durable and already visible to
 *       every in-memory view.
 *   <li>A caller that must not wait ({@link #submit}) queues its unit exactly like one that does;
 *       it only does not block on the result. Such units share the group commit, so a burst of them
 *       costs one transaction and at most one sync per batch.
 *   <li>A unit may call {@link #write} for another feature's change: that unit runs at once,
 *       inline, as part of the calling one (same savepoint, same commit, its events published with
 *       the caller's), so a change spanning features (a provisioning file) is all or nothing.
 * </ul>
 */
public final class Writer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Writer.class.getName());
  static final int MAX_BATCH = 512;

  /** The unit running on the writer thread, which a nested {@link #write} joins. */
  private static final ScopedValue<Tx> RUNNING = ScopedValue.newInstance();

  private static final class Pending<T> {
    final DataClass dataClass;
    final Unit<T> unit;
    final CompletableFuture<@Nullable T> result = new CompletableFuture<>();
    @Nullable T value;
    @Nullable Tx tx;
    @Nullable Throwable failure;

    Pending(DataClass dataClass, Unit<T> unit) {
      this.dataClass = dataClass;
      this.unit = unit;
    }

    void run(Tx tx) {
      value = ScopedValue.where(RUNNING, tx).call(() -> unit.run(tx));
      this.tx = tx;
    }

    /** Forgets a run that was rolled back with its whole batch, before the batch runs again. */
    void reset() {
      value = null;
      tx = null;
      failure = null;
    }

    void complete() {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }
  }

  private static final Pending<Void> STOP = new Pending<>(DataClass.IDENTITY, tx -> null);

  private final Backend backend;
  private Connection connection;
  private final Events events;
  private final StoreMetrics metrics;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Set after a batch found the database unreachable: the next batch first makes sure the
   * connection works (replacing it when the database is back), so writes come back by themselves.
   */
  private boolean suspect;

  /** Set by the writer thread just before it drains the queue for the last time. */
  private volatile boolean refusing;

  Writer(Backend backend, Events events, StoreMetrics metrics) {
    this.backend = backend;
    this.connection = backend.writeConnection();
    this.events = events;
    this.metrics = metrics;
    this.thread = Thread.ofPlatform().name("gatehouse-writer").daemon(false).start(this::loop);
  }

  /** Writes identity data: see {@link #write(DataClass, Unit)}. */
  public <T> T write(Unit<T> unit) {
    return write(DataClass.IDENTITY, unit);
  }

  /**
   * Runs {@code unit} in the next batch and returns its result once that batch is committed, synced
   * as {@code dataClass}'s mode asks, and its events published. Exceptions thrown by the unit reach
   * the caller unchanged.
   */
  public <T> T write(DataClass dataClass, Unit<T> unit) {
    if (Thread.currentThread() == thread) {
      if (RUNNING.isBound()) {
        return unit.run(RUNNING.get());
      }
      throw new IllegalStateException(
          "write() from an event handler would wait for the writer, which is running it");
    }
    Blocking.refuseOnEventLoop("waiting for the writer");
    long submitted = System.nanoTime();
    CompletableFuture<@Nullable T> result = submit(dataClass, unit);
    try {
      T value = result.join();
      metrics.written(System.nanoTime() - submitted);
      return value;
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException || cause instanceof Error) {
        cause.addSuppressed(new Exception("submitted here"));
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Queues {@code unit} for the next batch and returns at once, for writes whose caller must not
   * wait (the audit log). The future completes as {@link #write(DataClass, Unit)} would return:
   * after the batch is committed, synced as {@code dataClass} asks and its events published.
   */
  public <T> CompletableFuture<@Nullable T> submit(DataClass dataClass, Unit<T> unit) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new StoreUnavailableException("the store is shutting down"));
    }
    Pending<T> pending = new Pending<>(dataClass, unit);
    queue.add(pending);
    // Added after the writer's last drain, nobody would ever complete it. If the remove fails, the
    // last drain took it and completes it.
    if (refusing && queue.remove(pending)) {
      return CompletableFuture.failedFuture(
          new StoreUnavailableException("the store is shutting down"));
    }
    return pending.result;
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stopping = batch.remove(STOP);
      if (!batch.isEmpty()) {
        commit(batch);
      }
      batch.clear();
    }
    // Anything that slipped in after the stop marker is refused rather than left waiting.
    refusing = true;
    List<Pending<?>> late = new ArrayList<>();
    queue.drainTo(late);
    for (Pending<?> pending : late) {
      pending.failure = new StoreUnavailableException("the store is shutting down");
      pending.complete();
    }
  }

  private void commit(List<Pending<?>> batch) {
    commit(batch, true);
  }

  private void commit(List<Pending<?>> batch, boolean mayRetry) {
    Set<DataClass> classes = EnumSet.noneOf(DataClass.class);
    batch.forEach(p -> classes.add(p.dataClass));
    try {
      if (suspect) {
        connection = backend.reopen(connection);
      }
      begin();
      for (String sql : backend.durability(classes)) {
        execute(sql);
      }
      if (batch.size() == 1) {
        // Alone in its batch, a unit needs no savepoint: its failure rolls back the transaction.
        // Two round trips fewer per write on PostgreSQL, where each is a network hop.
        Pending<?> alone = batch.getFirst();
        if (!runAlone(alone)) {
          execute("ROLLBACK");
          alone.complete();
          return;
        }
      } else {
        for (Pending<?> pending : batch) {
          runInSavepoint(pending);
        }
      }
      backend.announce(connection, announcements(batch));
      execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      StoreException failure =
          switch (e) {
            case StoreException store -> store;
            case SQLException sql -> StoreException.of(sql);
            default ->
                new StoreException(
                    String.valueOf(e.getMessage()), new SQLException(e), false, false);
          };
      // Lost a race with another node's transaction (PostgreSQL 40001/40P01): nothing of the batch
      // was applied, so it runs once more, whole; a second loss fails it as below.
      if (mayRetry && failure.isRetryable()) {
        LOG.log(Level.FINE, "write batch lost a race; running it once more", e);
        batch.forEach(Pending::reset);
        commit(batch, false);
        return;
      }
      LOG.log(Level.WARNING, "write batch of " + batch.size() + " failed; nothing was applied", e);
      suspect = failure.isUnavailable();
      for (Pending<?> pending : batch) {
        pending.failure = pending.failure != null ? pending.failure : failure;
        pending.complete();
      }
      return;
    }
    suspect = false;
    metrics.batchCommitted(batch.size());
    try {
      backend.committed(classes);
    } catch (StoreUnavailableException e) {
      // Committed and visible, but not known to be on disk: the callers must not take it as
      // durable.
      LOG.log(Level.SEVERE, "sync after commit failed", e);
      for (Pending<?> pending : batch) {
        pending.failure = pending.failure != null ? pending.failure : e;
      }
    }
    for (Pending<?> pending : batch) {
      if (pending.tx != null) {
        for (DomainEvent event : pending.tx.events()) {
          events.publish(event);
        }
      }
    }
    for (Pending<?> pending : batch) {
      pending.complete();
    }
  }

  /** Every announcement of the units that committed, in order, each once. */
  private static List<String> announcements(List<Pending<?>> batch) {
    Set<String> lines = new LinkedHashSet<>();
    for (Pending<?> pending : batch) {
      if (pending.tx != null && pending.failure == null) {
        for (DomainEvent event : pending.tx.events()) {
          for (Announcement a : event.announcements()) {
            lines.add(a.topic() + "\t" + a.key());
          }
        }
      }
    }
    return List.copyOf(lines);
  }

  /** Runs a unit that is alone in its batch; false when it failed (and its failure is set). */
  private boolean runAlone(Pending<?> pending) {
    try {
      pending.run(new Tx(connection, metrics.writeStatements, backend));
      return true;
    } catch (StoreException e) {
      if (e.isUnavailable() || e.isRetryable()) {
        throw e;
      }
      metrics.failedUnits.increment();
      pending.failure = e;
      return false;
    } catch (RuntimeException | Error e) {
      metrics.failedUnits.increment();
      pending.failure = e;
      return false;
    }
  }

  private void runInSavepoint(Pending<?> pending) throws SQLException {
    execute("SAVEPOINT unit");
    try {
      pending.run(new Tx(connection, metrics.writeStatements, backend));
    } catch (StoreException e) {
      if (e.isUnavailable() || e.isRetryable()) {
        throw e;
      }
      rollBackUnit(pending, e);
      return;
    } catch (RuntimeException | Error e) {
      // An Error too (an assertion, a stack overflow in one unit): escaping, it would end the
      // writer thread and leave every caller waiting forever.
      rollBackUnit(pending, e);
      return;
    }
    execute("RELEASE unit");
  }

  private void rollBackUnit(Pending<?> pending, Throwable e) throws SQLException {
    execute("ROLLBACK TO unit");
    execute("RELEASE unit");
    metrics.failedUnits.increment();
    pending.failure = e;
  }

  /**
   * Ends whatever transaction is open. Fails harmlessly when SQLite has already rolled it back
   * itself (as it may on a full disk or an I/O error).
   */
  private void rollbackQuietly() {
    try {
      execute("ROLLBACK");
    } catch (SQLException e) {
      LOG.log(Level.FINE, "rollback after a failed batch", e);
    }
  }

  /**
   * Opens the batch's transaction. A connection the server ended while idle (a restart, a failover)
   * fails here, before anything ran: then once more on a new connection.
   */
  private void begin() throws SQLException {
    try {
      execute(backend.begin());
    } catch (SQLException e) {
      if (!StoreException.of(e).isUnavailable()) {
        throw e;
      }
      connection = backend.reopen(connection);
      execute(backend.begin());
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Commits everything already queued, then stops the writer thread and closes its connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join();
      backend.closing(connection);
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the write connection failed", e);
    }
  }
}
