package dev.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.event.Events;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded SQLite database: one write connection owned by the {@link Writer}, a pool of
 * read-only connections behind {@link Reads}, and schema migrations run before either is used.
 */
public final class Store implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Store.class.getName());
  private final Writer writer;
  private final Reads reads;
  private final StoreMetrics metrics;
  private final String url;

  private Store(Writer writer, Reads reads, StoreMetrics metrics, String url) {
    this.writer = writer;
    this.reads = reads;
    this.metrics = metrics;
    this.url = url;
  }

  /**
   * Opens (creating and migrating where needed) the database the configuration names.
   *
   * @param ephemeralTables the tables holding {@link DataClass#EPHEMERAL} data; with {@code
   *     cache_storage_disk = false} they live in memory only
   */
  public static Store open(
      Config config, Events events, PrometheusRegistry registry, Set<String> ephemeralTables) {
    String url = sqliteUrl(config);
    Config.Storage storage = config.storage();
    StoreMetrics metrics = new StoreMetrics(registry);
    try {
      Path file = fileOf(url);
      if (file != null) {
        ownerOnly(file);
      }
      SQLiteDataSource writes = new SQLiteDataSource(writerConfig(storage));
      writes.setUrl(url);
      migrate(writes, url);
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
      Syncer syncer =
          new Syncer(
              walOf(url),
              Map.of(
                  DataClass.IDENTITY, SyncMode.parse(storage.logSync()),
                  DataClass.EPHEMERAL, SyncMode.parse(storage.ephemeralLogSync()),
                  DataClass.AUDIT, SyncMode.parse(storage.auditLogSync())),
              metrics);
      Reads reads = new Reads(readPool(url, config.database().readPoolSize()), metrics);
      return new Store(new Writer(writeConnection, events, metrics, syncer), reads, metrics, url);
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "cannot open the database at " + url + ": " + e.getMessage());
    }
  }

  private static String sqliteUrl(Config config) {
    String url = config.database().url();
    if (!url.isEmpty()) {
      return url;
    }
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

  /**
   * Where Flyway finds the migrations of a database of {@code vendor} ({@code sqlite} or {@code
   * postgresql}, as Spring Boot names them for its {@code {vendor}} placeholder, which Flyway
   * itself does not expand): {@code common/} holds those that run on every database; a migration
   * whose SQL must differ has a version in each vendor's folder instead, with the same version and
   * description. The SQLite files kept their bytes when they moved there: databases migrated before
   * validate against the same checksums.
   */
  static String[] migrationLocations(String vendor) {
    return Stream.of("classpath:db/migration/common", "classpath:db/migration/{vendor}")
        .map(location -> location.replace("{vendor}", vendor))
        .toArray(String[]::new);
  }

  private static void migrate(SQLiteDataSource writes, String url) {
    try {
      Flyway.configure()
          .dataSource(writes)
          .locations(migrationLocations("sqlite"))
          .loggers("slf4j")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreUnavailableException(
          "cannot open the database at " + url + ": " + e.getMessage());
    }
  }

  /** The WAL file of a SQLite database on disk, or null for an in-memory one. */
  static @Nullable Path walOf(String url) {
    Path file = fileOf(url);
    return file == null ? null : Path.of(file + "-wal");
  }

  /** The database file a SQLite URL names, or null for an in-memory database. */
  private static @Nullable Path fileOf(String url) {
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
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    hikari.setPoolName("gatehouse-read");
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(1);
    hikari.setReadOnly(true);
    hikari.setConnectionTimeout(30_000);
    return new HikariDataSource(hikari);
  }

  public Writer writer() {
    return writer;
  }

  public Reads reads() {
    return reads;
  }

  public StoreMetrics metrics() {
    return metrics;
  }

  public String url() {
    return url;
  }

  /** Flushes the writer, then closes every connection. */
  @Override
  public void close() {
    writer.close();
    reads.close();
  }
}
