package dev.gatehouse.store;

import dev.gatehouse.config.Config;
import dev.gatehouse.event.Events;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * The database: one write connection owned by the {@link Writer}, a pool of read-only connections
 * behind {@link Reads}, and schema migrations run before either is used. Which database (embedded
 * SQLite, or PostgreSQL) is the {@link Backend}'s business alone.
 */
public final class Store implements AutoCloseable {
  private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");
  private final Writer writer;
  private final Reads reads;
  private final StoreMetrics metrics;
  private final String url;
  private final Backend backend;

  private Store(Writer writer, Reads reads, StoreMetrics metrics, String url, Backend backend) {
    this.writer = writer;
    this.reads = reads;
    this.metrics = metrics;
    this.url = url;
    this.backend = backend;
  }

  /**
   * Whether other nodes may share this database (PostgreSQL): then memory learns of their changes
   * from announcements, and a session cookie memory does not know may still exist.
   */
  public boolean shared() {
    return backend instanceof PostgresBackend;
  }

  /**
   * Starts applying other nodes' changes to memory through {@code events}; call once every view has
   * loaded. Nothing to do on a database of one node's own.
   */
  public void startListening(Events events) {
    if (backend instanceof PostgresBackend postgres) {
      postgres.listener().start(events);
    }
  }

  /**
   * Opens (creating and migrating where needed) the database the configuration names.
   *
   * @param ephemeralTables the tables holding {@link DataClass#EPHEMERAL} data; on SQLite, with
   *     {@code cache_storage_disk = false}, they live in memory only (on PostgreSQL they are
   *     UNLOGGED, by migration V10)
   */
  public static Store open(
      Config config, Events events, PrometheusRegistry registry, Set<String> ephemeralTables) {
    String configured = config.database().url();
    String url = configured.isEmpty() ? SqliteBackend.defaultUrl(config) : configured;
    StoreMetrics metrics = new StoreMetrics(registry);
    try {
      Backend backend =
          url.startsWith(POSTGRESQL)
              ? PostgresBackend.open(config, url, metrics)
              : SqliteBackend.open(config, url, metrics, ephemeralTables);
      Reads reads = new Reads(backend.readPool(), metrics);
      return new Store(
          new Writer(backend, events, metrics), reads, metrics, redacted(url), backend);
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "cannot open the database at " + redacted(url) + ": " + e.getMessage());
    }
  }

  static final String POSTGRESQL = "jdbc:postgresql:";

  /** {@code url} with the value of a {@code password=} parameter (pgjdbc's) hidden. */
  static String redacted(String url) {
    return PASSWORD.matcher(url).replaceAll("$1***");
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

  /**
   * The version of the newest migration in {@code db/migration}: a database whose history ends
   * there is current. {@code CurrentSchemaIsKnownWithoutFlywayTest} holds it to the files.
   */
  static final int SCHEMA_VERSION = 12;

  static void migrate(DataSource writes, String vendor, String url) {
    // Flyway's own start (its plugins, the class path scanned for migrations, each applied one
    // validated) took half a second of every start, for a database that an earlier start of this
    // build had already brought up to date. The checksums it would validate are the test suite's
    // to keep (MigrationsRunOnSqliteAndPostgresTest).
    if (isCurrent(writes)) {
      return;
    }
    try {
      Flyway.configure()
          .dataSource(writes)
          .locations(migrationLocations(vendor))
          .loggers("slf4j")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreUnavailableException(
          "cannot open the database at " + redacted(url) + ": " + e.getMessage());
    }
  }

  /**
   * Whether the database's migration history ends at {@link #SCHEMA_VERSION} with no migration
   * failed. Anything else (no history, an older one, a failure, a newer one from a later version of
   * Gatehouse) is Flyway's to handle, as it always was: it migrates, or refuses with its message.
   */
  static boolean isCurrent(DataSource db) {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
      int newest = 0;
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          return false;
        }
        newest = Math.max(newest, Integer.parseInt(rows.getString(1)));
      }
      return newest == SCHEMA_VERSION;
    } catch (SQLException | NumberFormatException e) {
      return false;
    }
  }

  /** The WAL file of a SQLite database on disk, or null for an in-memory one. */
  static @Nullable Path walOf(String url) {
    return SqliteBackend.walOf(url);
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
