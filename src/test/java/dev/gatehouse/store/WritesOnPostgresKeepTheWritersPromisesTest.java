package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.event.Events;
import dev.gatehouse.testing.Postgres;
import dev.gatehouse.testing.TestBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's promises hold on PostgreSQL through its backend: durability per data class becomes
 * {@code synchronous_commit} for that transaction only, and a unit that breaks a unique constraint
 * fails alone, as a unique violation, while the next one commits.
 */
@Tag(TestBackend.OWN_DATABASE)
class WritesOnPostgresKeepTheWritersPromisesTest {
  @TempDir Path dir;

  /**
   * The test server runs with {@code synchronous_commit = off} for speed; this database says {@code
   * on}, as a production server would, so that leaving it alone can be told from turning it off.
   */
  private Store open() throws SQLException {
    Postgres postgres = Postgres.shared();
    Postgres.Database database = postgres.createDatabase();
    try (Connection admin = postgres.connect(database.name());
        Statement statement = admin.createStatement()) {
      statement.execute("ALTER DATABASE \"" + database.name() + "\" SET synchronous_commit = on");
    }
    return TestStores.open(
        dir,
        new Events(),
        Map.of(
            "GATEHOUSE_DATABASE_URL",
            database.jdbcUrl(),
            "GATEHOUSE_DATABASE_USER",
            postgres.user(),
            "GATEHOUSE_DATABASE_PASSWORD",
            postgres.password(),
            "GATEHOUSE_STORAGE_LOG_SYNC",
            "immediate",
            "GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC",
            "interval_1000",
            "GATEHOUSE_STORAGE_AUDIT_LOG_SYNC",
            "immediate_async"));
  }

  private static String synchronousCommit(Query query) {
    return query.one("SHOW synchronous_commit", row -> row.getString(1)).orElseThrow();
  }

  private static String writtenAs(Store store, DataClass dataClass) {
    return store.writer().write(dataClass, tx -> synchronousCommit(tx));
  }

  @Test
  void onlyImmediateDataCommitsAsTheServerIsConfigured() throws SQLException {
    try (Store store = open()) {
      assertThat(writtenAs(store, DataClass.IDENTITY)).isEqualTo("on");
      assertThat(writtenAs(store, DataClass.EPHEMERAL)).isEqualTo("off");
      assertThat(writtenAs(store, DataClass.AUDIT)).isEqualTo("off");
      String afterwards = store.reads().read(q -> synchronousCommit(q));
      assertThat(afterwards).as("SET LOCAL ends with its transaction").isEqualTo("on");
      assertThat(writtenAs(store, DataClass.IDENTITY)).isEqualTo("on");
    }
  }

  @Test
  void aUniqueViolationFailsItsUnitAloneAndIsClassifiedAsSuch() throws SQLException {
    try (Store store = open()) {
      store.writer().write(tx -> TestStores.addGroup(tx, "staff"));

      StoreException duplicate =
          catchThrowableOfType(
              StoreException.class,
              () -> store.writer().write(tx -> TestStores.addGroup(tx, "staff")));
      store.writer().write(tx -> TestStores.addGroup(tx, "ops"));

      assertThat(duplicate.isUniqueViolation()).isTrue();
      assertThat(duplicate.isUnavailable()).isFalse();
      assertThat(TestStores.groups(store)).isEqualTo(2);
    }
  }
}
