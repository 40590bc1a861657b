package dev.gatehouse.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which database the tests' servers and stores run on: SQLite files in their data directories (the
 * default), or, with {@code GATEHOUSE_TEST_BACKEND=postgresql} (the second surefire execution of
 * {@code ./mvnw verify}), databases of the test JVM's {@link Postgres} server.
 *
 * <p>On PostgreSQL each data directory gets a database of its own, the same one every time it is
 * asked for again: a test that restarts a server on its data directory finds its data, as it would
 * in the SQLite file there. Tests that are about SQLite itself (its files, WAL, PRAGMAs, the
 * syncer) carry {@code @Tag(TestBackend.SQLITE_ONLY)}, which that execution leaves out.
 */
public final class TestBackend {
  /**
   * The environment variable that selects the backend: {@code sqlite} (default) or {@code
   * postgresql}.
   */
  public static final String ENV = "GATEHOUSE_TEST_BACKEND";

  /** The JUnit tag of tests that hold on SQLite only, by their nature. */
  public static final String SQLITE_ONLY = "sqlite";

  public static final String URL = "GATEHOUSE_DATABASE_URL";
  public static final String USER = "GATEHOUSE_DATABASE_USER";
  public static final String PASSWORD = "GATEHOUSE_DATABASE_PASSWORD";

  private static final Map<Path, Postgres.Database> DATABASES = new ConcurrentHashMap<>();

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
    Postgres.Database database =
        DATABASES.computeIfAbsent(
            dataDir.toAbsolutePath().normalize(), dir -> postgres.createDatabase());
    return Map.of(URL, database.jdbcUrl(), USER, postgres.user(), PASSWORD, postgres.password());
  }
}
