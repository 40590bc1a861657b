package dev.gatehouse.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Makes committed batches durable by syncing SQLite's write-ahead log, as each data class's mode
 * asks.
 *
 * <p>SQLite runs with {@code synchronous=NORMAL}: a commit writes its WAL frames to the OS (so it
 * survives a process crash) but does not sync them. This class then syncs the WAL file itself —
 * inline before the callers are released for {@code immediate}, at once on its own thread for
 * {@code immediate_async}, and on a timer for {@code interval_<ms>}. Keeping the sync out of SQLite
 * is what lets one database file hold two durability classes, and lets a single sync cover every
 * batch committed before it. Sequence numbers make syncs idempotent: a sync that finds nothing new
 * committed does nothing.
 *
 * <p>The WAL is opened once, on the first sync, and kept open: Linux reports a failed write-back to
 * the descriptors open when it failed, so a file opened afresh for each sync could be told all is
 * well about pages the kernel has already dropped. SQLite keeps the same WAL file while the writer
 * connection is open (a checkpoint rewinds or truncates it, never replaces it), so one descriptor
 * stays valid for the life of the store.
 */
final class Syncer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Syncer.class.getName());

  private final @Nullable Path wal;
  private final Map<DataClass, SyncMode> modes;
  private final StoreMetrics metrics;
  private final long tickMillis;
  private final Object lock = new Object();
  private long committed;
  private long synced;
  private boolean asyncWanted;
  private boolean closed;
  private final Thread thread;
  private @Nullable FileChannel channel;

  /**
   * @param wal the WAL file, or null for a database that is not on disk
   */
  Syncer(@Nullable Path wal, Map<DataClass, SyncMode> modes, StoreMetrics metrics) {
    if (!modes.keySet().containsAll(EnumSet.allOf(DataClass.class))) {
      throw new IllegalArgumentException("a sync mode for every data class is needed: " + modes);
    }
    this.wal = wal;
    this.modes = new EnumMap<>(modes);
    this.metrics = metrics;
    // Only interval modes need the timer; immediate and immediate_async sync as they commit.
    this.tickMillis =
        modes.values().stream()
            .filter(mode -> mode instanceof SyncMode.Interval)
            .mapToLong(Syncer::interval)
            .min()
            .orElse(1000);
    this.thread = Thread.ofPlatform().name("gatehouse-syncer").daemon(true).start(this::loop);
  }

  private static long interval(SyncMode mode) {
    return mode instanceof SyncMode.Interval(long millis) ? millis : 1000;
  }

  /** Called by the writer after each commit, before the batch's callers are released. */
  void committed(Set<DataClass> classes) {
    SyncMode mode =
        classes.stream()
            .map(modes::get)
            .max(Comparator.comparingInt(SyncMode::strength))
            .orElseThrow();
    long sequence;
    synchronized (lock) {
      sequence = ++committed;
      if (mode instanceof SyncMode.ImmediateAsync) {
        asyncWanted = true;
        lock.notifyAll();
      }
    }
    if (mode instanceof SyncMode.Immediate) {
      syncUpTo(sequence);
    }
  }

  /** Syncs everything committed so far (used at shutdown). */
  void syncAll() {
    long target;
    synchronized (lock) {
      target = committed;
    }
    syncUpTo(target);
  }

  /**
   * One sync at a time (on this object's monitor). A sync covers every batch committed before it
   * starts, so a caller whose batch a concurrent sync already covered returns without another.
   */
  private synchronized void syncUpTo(long sequence) {
    long covered;
    synchronized (lock) {
      if (synced >= sequence) {
        return;
      }
      covered = committed;
    }
    force();
    synchronized (lock) {
      synced = Math.max(synced, covered);
    }
  }

  private void force() {
    if (wal == null) {
      return;
    }
    try {
      if (channel == null) {
        // Read access is enough to sync, and still works on a file system remounted read-only.
        channel = FileChannel.open(wal, StandardOpenOption.READ);
      }
      channel.force(false);
      metrics.syncs.increment();
    } catch (NoSuchFileException e) {
      // No WAL yet: nothing has been committed through it since the database was opened.
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot sync the database log: " + e.getMessage());
    }
  }

  private void loop() {
    while (true) {
      long target;
      synchronized (lock) {
        try {
          if (!asyncWanted && !closed) {
            lock.wait(tickMillis);
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        asyncWanted = false;
        target = committed;
      }
      try {
        syncUpTo(target);
      } catch (StoreUnavailableException e) {
        LOG.log(Level.WARNING, "background sync failed; will retry", e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    syncAll();
    synchronized (this) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(Level.WARNING, "closing the database log failed", e);
        }
      }
    }
  }
}
