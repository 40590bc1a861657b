package dev.gatehouse.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded SQLite database, the default: WAL, one write connection, read-only connections
 * beside it, and the {@link Syncer} syncing the WAL as each data class asks.
 */
final class SqliteBackend implements Backend {
  private static final Logger LOG = Logger.getLogger(SqliteBackend.class.getName());

  private final String url;
  private final Connection writeConnection;
  private final HikariDataSource readPool;
  private final Syncer syncer;

  private SqliteBackend(
      String url, Connection writeConnection, HikariDataSource readPool, Syncer syncer) {
    this.url = url;
    this.writeConnection = writeConnection;
    this.readPool = readPool;
    this.syncer = syncer;
  }

  static SqliteBackend open(
      Config config, String url, StoreMetrics metrics, Set<String> ephemeralTables)
      throws SQLException {
    Config.Storage storage = config.storage();
    Path file = fileOf(url);
    if (file != null) {
      ownerOnly(file);
    }
    SQLiteDataSource writes = new SQLiteDataSource(writerConfig(storage));
    writes.setUrl(url);
    Store.migrate(writes, "sqlite", url);
    Connection writeConnection = writes.getConnection();
    if (file != null) {
      OwnerOnly.sibling(Path.of(file + "-wal"), file);
      OwnerOnly.sibling(Path.of(file + "-shm"), file);
    }
    if (file != null && !Files.isWritable(file)) {
      LOG.severe(
          "the database "
              + file
              + " is read-only (file system or permissions): Gatehouse answers from memory,"
              + " and every write fails with 503 until it is writable and Gatehouse restarts");
    }
    try (Statement pragma = writeConnection.createStatement()) {
      pragma.execute("PRAGMA wal_autocheckpoint = " + storage.walCheckpointPages());
    }
    if (!storage.cacheStorageDisk()) {
      EphemeralTables.moveToMemory(writeConnection, ephemeralTables);
    }
    Syncer syncer = new Syncer(walOf(url), SyncMode.of(storage), metrics);
    return new SqliteBackend(
        url, writeConnection, readPool(url, config.database().readPoolSize()), syncer);
  }

  /** The URL of the database file in {@code storage.data_dir}, creating the directory. */
  static String defaultUrl(Config config) {
    Path dir = config.storage().dataDir();
    try {
      OwnerOnly.directory(dir);
    } catch (IOException e) {
      throw new ConfigException("storage.data_dir", "cannot create " + dir + ": " + e.getMessage());
    }
    return "jdbc:sqlite:" + dir.resolve("gatehouse.db").toAbsolutePath();
  }

  private static void ownerOnly(Path file) {
    try {
      OwnerOnly.databaseFile(file);
    } catch (IOException e) {
      // SQLite reports what is wrong with the path, in the words the operator expects
      LOG.fine(() -> "cannot pre-create " + file + ": " + e.getMessage());
    }
  }

  /** The WAL file of a SQLite database on disk, or null for an in-memory one. */
  static @Nullable Path walOf(String url) {
    Path file = fileOf(url);
    return file == null ? null : Path.of(file + "-wal");
  }

  /** The database file a SQLite URL names, or null for an in-memory database. */
  static @Nullable Path fileOf(String url) {
    String file = url.substring("jdbc:sqlite:".length());
    if (file.contains("mode=memory")) {
      return null;
    }
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isEmpty() || file.startsWith(":memory:")) {
      return null;
    }
    return Path.of(file).toAbsolutePath();
  }

  /**
   * WAL lets readers run beside the writer. synchronous=NORMAL: commits reach the OS but are not
   * synced by SQLite; the {@link Syncer} syncs the WAL as each data class's mode asks, one sync per
   * batch at most, shared by all its units.
   */
  private static SQLiteConfig writerConfig(Config.Storage storage) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setJournalSizeLimit((int) Math.min(Integer.MAX_VALUE, storage.walSizeLimitBytes()));
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    sqlite.enforceForeignKeys(true);
    sqlite.setBusyTimeout(10_000);
    return sqlite;
  }

  private static HikariDataSource readPool(String url, int size) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setReadOnly(true);
    sqlite.setBusyTimeout(10_000);
    sqlite.enforceForeignKeys(true);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(url);
    return Backend.readPool(source, size);
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

  /** IMMEDIATE takes the write lock at once, so a batch never fails half-way on a busy lock. */
  @Override
  public String begin() {
    return "BEGIN IMMEDIATE";
  }

  /** Nothing: SQLite's durability is the {@link Syncer}'s, after the commit. */
  @Override
  public List<String> durability(Set<DataClass> classes) {
    return List.of();
  }

  @Override
  public void committed(Set<DataClass> classes) {
    syncer.committed(classes);
  }

  @Override
  public void announce(Connection writeConnection, List<String> announcements) {}

  @Override
  public @Nullable String jobLock(boolean wait) {
    return null;
  }

  /** A file has no connection to lose: a failed batch (disk full, I/O error) keeps it. */
  @Override
  public Connection reopen(Connection broken) {
    return broken;
  }

  @Override
  public void closing(Connection writeConnection) {
    syncer.close();
    checkpoint(writeConnection);
  }

  /**
   * Copies the WAL into the database file and empties it, so a stopped database is one
   * self-contained file (to copy as a backup). The empty WAL and its index stay: the read pool
   * closes last and, being read-only, leaves them, which lets a later start open the database on a
   * read-only file system.
   */
  private static void checkpoint(Connection writeConnection) {
    try (Statement statement = writeConnection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "final checkpoint failed; the WAL is replayed at the next start", e);
    }
  }
}
