package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.testing.Postgres;
import dev.gatehouse.testing.TestBackend;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two ways a PostgreSQL transaction loses a race with another one (another node's writer, in a
 * cluster) are classified as retryable, as real failures of a real server: a serialization failure
 * (SQLState 40001) and a deadlock (40P01). Neither is a unique violation nor an unavailable
 * database; the writer may run such a batch once more.
 */
@Tag(TestBackend.OWN_DATABASE)
@Timeout(60)
class LostRacesOnPostgresAreRetryableTest {
  private Postgres postgres;
  private String database;

  @BeforeEach
  void table() throws SQLException {
    postgres = Postgres.shared();
    database = postgres.createDatabase().name();
    try (Connection c = postgres.connect(database);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL)");
      s.execute("INSERT INTO counters VALUES ('a', 0), ('b', 0)");
    }
  }

  @Test
  void aSerializationFailureIsRetryable() throws SQLException {
    try (Connection first = postgres.connect(database);
        Connection second = postgres.connect(database);
        Statement one = first.createStatement();
        Statement two = second.createStatement()) {
      one.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
      one.executeQuery("SELECT n FROM counters WHERE name = 'a'").close();
      two.executeUpdate("UPDATE counters SET n = n + 1 WHERE name = 'a'");

      SQLException lost =
          catchThrowableOfType(
              SQLException.class,
              () -> one.executeUpdate("UPDATE counters SET n = n + 1 WHERE name = 'a'"));
      one.execute("ROLLBACK");

      StoreException classified = StoreException.of(lost);
      assertThat(lost.getSQLState()).isEqualTo("40001");
      assertThat(classified.isRetryable()).isTrue();
      assertThat(classified.isUniqueViolation()).isFalse();
      assertThat(classified.isUnavailable()).isFalse();
    }
  }

  @Test
  void aDeadlockIsRetryable() throws Exception {
    try (Connection first = postgres.connect(database);
        Connection second = postgres.connect(database);
        Statement one = first.createStatement();
        Statement two = second.createStatement()) {
      one.execute("BEGIN");
      two.execute("BEGIN");
      one.executeUpdate("UPDATE counters SET n = 1 WHERE name = 'a'");
      two.executeUpdate("UPDATE counters SET n = 1 WHERE name = 'b'");
      // Each now waits for the row the other holds; PostgreSQL ends one of them after
      // deadlock_timeout (1 s by default).
      CompletableFuture<SQLException> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  one.executeUpdate("UPDATE counters SET n = 2 WHERE name = 'b'");
                  return null;
                } catch (SQLException e) {
                  return e;
                }
              });
      SQLException mine = null;
      try {
        two.executeUpdate("UPDATE counters SET n = 2 WHERE name = 'a'");
      } catch (SQLException e) {
        mine = e;
        two.execute("ROLLBACK");
      }
      SQLException theirs = waiting.get(30, TimeUnit.SECONDS);
      SQLException lost = mine != null ? mine : theirs;
      if (mine == null) {
        two.execute("ROLLBACK");
      }
      one.execute("ROLLBACK");

      assertThat(lost == null ? "no failure" : lost.getSQLState()).isEqualTo("40P01");
      StoreException classified = StoreException.of(Objects.requireNonNull(lost));
      assertThat(classified.isRetryable()).isTrue();
      assertThat(classified.isUniqueViolation()).isFalse();
      assertThat(classified.isUnavailable()).isFalse();
    }
  }
}
