package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * A start skips Flyway only for a database whose history ends at this build's newest migration with
 * nothing failed; every other database still goes through Flyway, which migrates it or refuses.
 */
class CurrentSchemaIsKnownWithoutFlywayTest {
  @TempDir Path dir;

  @Test
  void theSchemaVersionIsTheNewestMigration() {
    SQLiteDataSource db = database("fresh");
    Flyway flyway = flyway(db).load();
    flyway.migrate();
    assertThat(flyway.info().current().getVersion().getVersion())
        .isEqualTo(Integer.toString(Store.SCHEMA_VERSION));
    assertThat(Store.isCurrent(db)).isTrue();
  }

  @Test
  void anEmptyDatabaseIsNotCurrentAndIsMigrated() {
    SQLiteDataSource db = database("empty");
    assertThat(Store.isCurrent(db)).isFalse();
    Store.migrate(db, "sqlite", db.getUrl());
    assertThat(Store.isCurrent(db)).isTrue();
  }

  @Test
  void anOlderDatabaseIsNotCurrentAndIsMigrated() {
    SQLiteDataSource db = database("older");
    flyway(db).target(Integer.toString(Store.SCHEMA_VERSION - 1)).load().migrate();
    assertThat(Store.isCurrent(db)).isFalse();
    Store.migrate(db, "sqlite", db.getUrl());
    assertThat(Store.isCurrent(db)).isTrue();
  }

  @Test
  void aFailedOrNewerMigrationIsNotCurrent() throws SQLException {
    SQLiteDataSource failed = database("failed");
    flyway(failed).load().migrate();
    execute(
        failed,
        "UPDATE flyway_schema_history SET success = 0 WHERE version = '"
            + Store.SCHEMA_VERSION
            + "'");
    assertThat(Store.isCurrent(failed)).isFalse();

    SQLiteDataSource newer = database("newer");
    flyway(newer).load().migrate();
    execute(
        newer,
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
            + " checksum, installed_by, execution_time, success) VALUES (1000, '"
            + (Store.SCHEMA_VERSION + 1)
            + "', 'from a later Gatehouse', 'SQL', 'V.sql', 0, 'test', 0, 1)");
    assertThat(Store.isCurrent(newer)).isFalse();
  }

  private SQLiteDataSource database(String name) {
    SQLiteDataSource db = new SQLiteDataSource();
    db.setUrl("jdbc:sqlite:" + dir.resolve(name + ".db"));
    return db;
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
      SQLiteDataSource db) {
    return Flyway.configure().dataSource(db).locations(Store.migrationLocations("sqlite"));
  }

  private static void execute(SQLiteDataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
