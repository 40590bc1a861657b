package dev.gatehouse.store;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.Events;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One node's ear on the cluster: a connection of its own that LISTENs on {@link #CHANNEL} and hands
 * every announcement (any node's, this one's included, in commit order) to {@link
 * Events#announced}, which re-reads the changed row into memory, off the hot path.
 *
 * <p>Nothing is missed silently: the connection is opened and LISTENing before memory is first
 * loaded, and when it is lost (the database restarted, the network failed, a re-read failed) this
 * node keeps answering from memory, reports the database unreachable, reconnects every {@link
 * #RETRY} and, once LISTENing again, reloads every view whole ({@code
 * gatehouse_cluster_reloads_total}), since announcements sent meanwhile are gone.
 */
final class ClusterListener implements AutoCloseable {
  static final String CHANNEL = "gatehouse";
  private static final Logger LOG = Logger.getLogger(ClusterListener.class.getName());
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final int POLL_MS = 250;

  /** How often an idle connection is checked: a silent network failure shows up within this. */
  private static final long CHECK_EVERY_MS = 5_000;

  private final DataSource source;
  private final StoreMetrics metrics;
  private volatile @Nullable Connection connection;
  private volatile boolean closed;
  private @Nullable Thread thread;

  /** Opens the connection and LISTENs at once, so that changes from now on are all heard. */
  ClusterListener(DataSource source, StoreMetrics metrics) throws SQLException {
    this.source = source;
    this.metrics = metrics;
    this.connection = listen();
  }

  /** Starts handing what is heard to {@code events}; call once every view has loaded. */
  void start(Events events) {
    thread =
        Thread.ofPlatform()
            .name("gatehouse-cluster-listener")
            .daemon(true)
            .start(() -> loop(events));
  }

  private Connection listen() throws SQLException {
    Connection opened = source.getConnection();
    try (Statement statement = opened.createStatement()) {
      // Named, so that an operator sees in pg_stat_activity which connection is which.
      statement.execute("SET application_name = 'gatehouse-listener'");
      statement.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      opened.close();
      throw e;
    }
    return opened;
  }

  private void loop(Events events) {
    long checked = System.currentTimeMillis();
    while (!closed) {
      Connection current = connection;
      try {
        if (current == null) {
          current = reconnect(events);
          if (current == null) {
            continue;
          }
        }
        PGNotification[] heard = current.unwrap(PGConnection.class).getNotifications(POLL_MS);
        if (heard != null && heard.length > 0) {
          for (PGNotification notification : heard) {
            deliver(events, notification.getParameter());
          }
          checked = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - checked > CHECK_EVERY_MS) {
          if (!current.isValid(2)) {
            throw new SQLException("the listening connection stopped answering", "08006");
          }
          checked = System.currentTimeMillis();
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        lost(e);
      }
    }
  }

  private void deliver(Events events, String payload) {
    for (String line : payload.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        metrics.announcementsHeard.increment();
        events.announced(new Announcement(line.substring(0, tab), line.substring(tab + 1)));
      }
    }
  }

  /** Stops listening on the broken connection; memory keeps answering. */
  private void lost(Exception e) {
    if (metrics.listening.getAndSet(false)) {
      LOG.log(
          Level.WARNING,
          "lost the database (answering from memory, writes fail until it is back): "
              + e.getMessage());
    }
    Connection broken = connection;
    connection = null;
    if (broken != null) {
      try {
        broken.close();
      } catch (SQLException ignored) {
        // It is broken: closing it is only tidying up.
      }
    }
  }

  private @Nullable Connection reconnect(Events events) {
    try {
      Thread.sleep(RETRY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return null;
    }
    try {
      Connection opened = listen();
      connection = opened;
      // Listening again before reading: whatever commits from now on is heard.
      events.reloadAll();
      metrics.reloads.increment();
      metrics.listening.set(true);
      LOG.info("the database is back: listening again, memory reloaded");
      return opened;
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.FINE, "database still unreachable", e);
      lost(e);
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread running = thread;
    if (running != null) {
      running.interrupt();
      try {
        running.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Connection open = connection;
    if (open != null) {
      try {
        open.close();
      } catch (SQLException e) {
        LOG.log(Level.FINE, "closing the listening connection", e);
      }
    }
  }
}
