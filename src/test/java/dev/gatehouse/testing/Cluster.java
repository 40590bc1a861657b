package dev.gatehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gatehouse nodes in this JVM sharing one real PostgreSQL database and one key encryption key, each
 * with its own data directory and ports: a cluster as far as the database and the nodes can tell.
 * Closing closes every node still running.
 */
public final class Cluster implements AutoCloseable {
  private final Postgres postgres = Postgres.shared();
  private final Postgres.Database database = postgres.createDatabase();
  private final String kek;
  private final Path dir;
  private final List<TestGatehouse> nodes = new ArrayList<>();

  public Cluster(Path dir) {
    this.dir = dir;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.kek = Base64.getEncoder().encodeToString(key);
  }

  public Postgres postgres() {
    return postgres;
  }

  public Postgres.Database database() {
    return database;
  }

  /** The settings a node of this cluster starts with, plus {@code overrides}. */
  public Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEHOUSE_DATABASE_URL", database.jdbcUrl());
    env.put("GATEHOUSE_DATABASE_USER", postgres.user());
    env.put("GATEHOUSE_DATABASE_PASSWORD", postgres.password());
    env.put("GATEHOUSE_OIDC_KEY_ENCRYPTION_KEY", kek);
    env.putAll(TestGatehouse.withMetrics(Map.of()));
    env.putAll(overrides);
    return env;
  }

  public TestGatehouse start(Map<String, String> overrides) {
    try {
      TestGatehouse node =
          TestGatehouse.start(Files.createTempDirectory(dir, "node"), env(overrides));
      nodes.add(node);
      return node;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public TestGatehouse start() {
    return start(Map.of());
  }

  /**
   * An outage of the database for these nodes: it takes no new connection and every open one is
   * ended, as a restart or a failover would. {@link #restore} ends it.
   */
  public void cutOff() throws SQLException {
    try (Connection c = postgres.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS false");
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database.name()
              + "'");
    }
  }

  public void restore() throws SQLException {
    try (Connection c = postgres.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS true");
    }
  }

  /** Ends the connection each node listens on (as a network failure would), keeping the rest. */
  public void dropListeners() throws SQLException {
    try (Connection c = postgres.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database.name()
              + "' AND application_name = 'gatehouse-listener'");
    }
  }

  /** Closes every node; the first failure (a blocked event loop, say) is thrown after all. */
  @Override
  public void close() {
    RuntimeException first = null;
    AssertionError failed = null;
    for (TestGatehouse node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      } catch (AssertionError e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
    if (first != null) {
      throw first;
    }
  }
}
