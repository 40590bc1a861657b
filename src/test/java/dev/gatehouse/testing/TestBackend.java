package dev.gatehouse.testing;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.Store;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which database the tests' servers and stores run on: SQLite files in their data directories (the
 * default), or, with {@code GATEHOUSE_TEST_BACKEND=postgresql} (the second surefire execution of
 * {@code ./mvnw verify}), databases of the test JVM's {@link Postgres} server.
 *
 * <p>On PostgreSQL each data directory gets a database of its own, the same one every time it is
 * asked for again: a test that restarts a server on its data directory finds its data, as it would
 * in the SQLite file there. Tests that are about SQLite itself (its files, WAL, PRAGMAs, the
 * syncer) carry {@code @Tag(TestBackend.SQLITE_ONLY)}, which that execution leaves out, as it does
 * those tagged {@link #OWN_DATABASE}.
 *
 * <p>Two things keep that run close to SQLite's in time. Each database is copied from one migrated
 * by the production code once per JVM, so a start only validates the migrations (as a restart does)
 * instead of running them all. And the database of a data directory that is gone (a
 * {@code @TempDir} JUnit deleted after its test) is dropped when the next one is made: each is some
 * 8 MB of files, the suite makes hundreds, and deleting them all at the end took longer than
 * surefire waits for a test JVM to exit.
 */
public final class TestBackend {
  /**
   * The environment variable that selects the backend: {@code sqlite} (default) or {@code
   * postgresql}.
   */
  public static final String ENV = "GATEHOUSE_TEST_BACKEND";

  /** The JUnit tag of tests that hold on SQLite only, by their nature. */
  public static final String SQLITE_ONLY = "sqlite";

  /**
   * The JUnit tag of tests that choose their database themselves (a PostgreSQL database of their
   * own, or both databases): they run the same in either run, so the PostgreSQL run leaves them to
   * the SQLite one.
   */
  public static final String OWN_DATABASE = "own-database";

  public static final String URL = "GATEHOUSE_DATABASE_URL";
  public static final String USER = "GATEHOUSE_DATABASE_USER";
  public static final String PASSWORD = "GATEHOUSE_DATABASE_PASSWORD";

  private static final Map<Path, Postgres.Database> DATABASES = new HashMap<>();
  private static @Nullable String template;

  private TestBackend() {}

  /** True when this test JVM runs its servers on PostgreSQL. */
  public static boolean postgres() {
    String backend = System.getenv(ENV);
    return backend != null && backend.equalsIgnoreCase("postgresql");
  }

  /**
   * The configuration (environment-style) that puts the database of a server on {@code dataDir}
   * where this run wants it: nothing on SQLite (the file in the data directory), the data
   * directory's own PostgreSQL database otherwise.
   */
  public static Map<String, String> env(Path dataDir) {
    if (!postgres()) {
      return Map.of();
    }
    Postgres postgres = Postgres.shared();
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      // Made here, not by the server (which on PostgreSQL may need none): its existence is what
      // keeps its database.
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return credentials(postgres, databaseOf(postgres, dir));
  }

  private static Map<String, String> credentials(Postgres postgres, Postgres.Database database) {
    return Map.of(URL, database.jdbcUrl(), USER, postgres.user(), PASSWORD, postgres.password());
  }

  private static synchronized Postgres.Database databaseOf(Postgres postgres, Path dataDir) {
    Postgres.Database known = DATABASES.get(dataDir);
    if (known != null) {
      return known;
    }
    dropThoseOfDeletedDirectories(postgres);
    Postgres.Database created = postgres.createDatabase(template(postgres));
    DATABASES.put(dataDir, created);
    return created;
  }

  /**
   * A database migrated by the production code ({@link Store#open}), then closed, so that nobody is
   * connected to it and it can be copied.
   */
  private static String template(Postgres postgres) {
    if (template != null) {
      return template;
    }
    Postgres.Database migrated = postgres.createDatabase();
    try {
      Path dir = Files.createTempDirectory("gatehouse-template");
      Map<String, String> env = new HashMap<>(credentials(postgres, migrated));
      env.put("GATEHOUSE_STORAGE_DATA_DIR", dir.toString());
      Store.open(ConfigLoader.load(null, env), new Events(), new PrometheusRegistry(), Set.of())
          .close();
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    template = migrated.name();
    return template;
  }

  private static void dropThoseOfDeletedDirectories(Postgres postgres) {
    for (Iterator<Map.Entry<Path, Postgres.Database>> it = DATABASES.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Path, Postgres.Database> entry = it.next();
      if (!Files.exists(entry.getKey())) {
        postgres.dropDatabase(entry.getValue().name());
        it.remove();
      }
    }
  }
}
