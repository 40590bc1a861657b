package dev.gatehouse.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL, for a single node for now (issue 13). The {@link Writer} keeps one connection of its
 * own; reads share a pool of the rest of {@code database.pg_max_conn}.
 *
 * <p>Durability per data class maps onto {@code synchronous_commit}: a batch holding any class
 * whose mode is {@code immediate} commits as the server is configured ({@code on}, or {@code
 * remote_apply} with a synchronous standby); any other batch runs {@code SET LOCAL
 * synchronous_commit = off}, for that transaction only: a crash of the database may lose its last
 * moments, a crash of the node loses nothing committed. No WAL of ours to sync and no checkpoint:
 * the server owns both.
 *
 * <p>Ephemeral tables are {@code UNLOGGED} here (migration V10), whatever {@code
 * cache_storage_disk} says: not in the WAL, so their writes cost no WAL record or flush, and every
 * node reads them (SQLite's TEMP tables would be one connection's own). They survive a restart of
 * Gatehouse and a clean restart of the server; a crash of the database server empties them, and
 * standbys never receive them: everyone signs in again, which is what ephemeral means.
 */
final class PostgresBackend implements Backend {
  private static final String SYNCHRONOUS_COMMIT_OFF = "SET LOCAL synchronous_commit = off";

  /** Below PostgreSQL's 8000-byte limit on a notification's payload. */
  private static final int MAX_PAYLOAD = 7_900;

  private final String url;
  private final PGSimpleDataSource source;
  private final Connection writeConnection;
  private final HikariDataSource readPool;
  private final Map<DataClass, SyncMode> modes;
  private final ClusterListener listener;

  private PostgresBackend(
      String url,
      PGSimpleDataSource source,
      Connection writeConnection,
      HikariDataSource readPool,
      Map<DataClass, SyncMode> modes,
      ClusterListener listener) {
    this.url = url;
    this.source = source;
    this.writeConnection = writeConnection;
    this.readPool = readPool;
    this.modes = modes;
    this.listener = listener;
  }

  static PostgresBackend open(Config config, String url, StoreMetrics metrics) throws SQLException {
    Config.Database database = config.database();
    Config.Storage storage = config.storage();
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(url);
    if (!database.user().isEmpty()) {
      source.setUser(database.user());
    }
    if (!database.password().isEmpty()) {
      source.setPassword(database.password());
    }
    source.setApplicationName("gatehouse");
    Store.migrate(source, "postgresql", url);
    ClusterListener listener = new ClusterListener(source, metrics);
    Connection writeConnection = source.getConnection();
    writeConnection.setAutoCommit(true);
    return new PostgresBackend(
        url,
        source,
        writeConnection,
        // The writer and the listener hold one connection each; reads share the rest.
        Backend.readPool(source, Math.max(1, database.pgMaxConn() - 2)),
        SyncMode.of(storage),
        listener);
  }

  ClusterListener listener() {
    return listener;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public Connection writeConnection() {
    return writeConnection;
  }

  @Override
  public HikariDataSource readPool() {
    return readPool;
  }

  @Override
  public String begin() {
    return "BEGIN";
  }

  @Override
  public List<String> durability(Set<DataClass> classes) {
    boolean immediate = classes.stream().anyMatch(c -> modes.get(c) instanceof SyncMode.Immediate);
    return immediate ? List.of() : List.of(SYNCHRONOUS_COMMIT_OFF);
  }

  @Override
  public void committed(Set<DataClass> classes) {}

  @Override
  public void announce(Connection writeConnection, List<String> announcements) throws SQLException {
    if (announcements.isEmpty()) {
      return;
    }
    try (PreparedStatement notify =
        writeConnection.prepareStatement(
            "SELECT pg_notify('" + ClusterListener.CHANNEL + "', ?)")) {
      StringBuilder payload = new StringBuilder();
      for (String line : announcements) {
        if (!payload.isEmpty() && payload.length() + 1 + line.length() > MAX_PAYLOAD) {
          notify(notify, payload);
        }
        payload.append(payload.isEmpty() ? "" : "\n").append(line);
      }
      notify(notify, payload);
    }
  }

  private static void notify(PreparedStatement notify, StringBuilder payload) throws SQLException {
    notify.setString(1, payload.toString());
    notify.execute();
    payload.setLength(0);
  }

  @Override
  public String jobLock(boolean wait) {
    return wait
        ? "SELECT pg_advisory_xact_lock(?, ?) IS NULL"
        : "SELECT pg_try_advisory_xact_lock(?, ?)";
  }

  @Override
  public Connection reopen(Connection broken) {
    try {
      if (broken.isValid(2)) {
        return broken;
      }
    } catch (SQLException e) {
      // As good as invalid.
    }
    try {
      Connection fresh = source.getConnection();
      fresh.setAutoCommit(true);
      try {
        broken.close();
      } catch (SQLException e) {
        // Broken already.
      }
      return fresh;
    } catch (SQLException e) {
      // Still unreachable: the next batch fails fast and tries again.
      return broken;
    }
  }

  @Override
  public void closing(Connection writeConnection) {
    listener.close();
  }
}
