package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Postgres;
import dev.gatehouse.testing.TestBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway with the production locations builds the same schema on SQLite and on PostgreSQL: the same
 * migrations (version and description) applied, the same tables with the same column names, the
 * same indexes; on PostgreSQL the ephemeral tables are UNLOGGED. And the SQLite migrations keep the
 * checksums that databases migrated before the split into common/, sqlite/ and postgresql/ hold in
 * their history.
 */
@Tag(TestBackend.OWN_DATABASE)
class MigrationsRunOnSqliteAndPostgresTest {
  /**
   * Version → checksum of every SQLite migration as released, read from a database migrated before
   * the split. A changed checksum fails Flyway's validation, and so Gatehouse's start, on every
   * existing installation: an applied migration is never edited; a new one gets a new version.
   */
  private static final Map<String, Integer> RELEASED_SQLITE_CHECKSUMS =
      Map.of(
          "1", 917934087,
          "2", 1481232901,
          "3", 1739176310,
          "4", -205167381,
          "5", 1269729035,
          "6", 1667268417,
          "7", 1754679506,
          "8", -1546995318,
          "9", 1663047659);

  private static final String HISTORY = "flyway_schema_history";

  @TempDir static Path dir;
  private static String sqliteUrl;
  private static Postgres.Database postgresDb;
  private static List<MigrationInfo> onSqlite;
  private static List<MigrationInfo> onPostgres;

  @BeforeAll
  static void migrateBoth() {
    Postgres postgres = Postgres.shared();
    postgresDb = postgres.createDatabase();
    sqliteUrl = "jdbc:sqlite:" + dir.resolve("gatehouse.db");
    onSqlite = migrate(Flyway.configure().dataSource(sqliteUrl, null, null), "sqlite");
    onPostgres =
        migrate(
            Flyway.configure()
                .dataSource(postgresDb.jdbcUrl(), postgres.user(), postgres.password()),
            "postgresql");
  }

  private static List<MigrationInfo> migrate(
      org.flywaydb.core.api.configuration.FluentConfiguration flyway, String vendor) {
    Flyway configured = flyway.locations(Store.migrationLocations(vendor)).load();
    configured.migrate();
    return Arrays.asList(configured.info().all());
  }

  @Test
  void everyMigrationIsAppliedOnBothUnderTheSameVersionAndDescription() {
    assertThat(onSqlite).isNotEmpty().allMatch(m -> m.getState() == MigrationState.SUCCESS);
    assertThat(onPostgres).allMatch(m -> m.getState() == MigrationState.SUCCESS);
    assertThat(versionsAndDescriptions(onPostgres)).isEqualTo(versionsAndDescriptions(onSqlite));
  }

  @Test
  void bothHaveTheSameTablesWithTheSameColumns() throws SQLException {
    Map<String, Set<String>> sqlite = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(sqliteUrl)) {
      for (String table :
          strings(
              c,
              "SELECT name FROM sqlite_master WHERE type = 'table'"
                  + " AND name NOT LIKE 'sqlite_%' AND name <> '"
                  + HISTORY
                  + "'")) {
        sqlite.put(
            table,
            new TreeSet<>(strings(c, "SELECT name FROM pragma_table_info('" + table + "')")));
      }
    }
    Map<String, Set<String>> postgres = new TreeMap<>();
    try (Connection c = connectPostgres();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = 'public' AND table_name <> '"
                    + HISTORY
                    + "'")) {
      while (rows.next()) {
        postgres.computeIfAbsent(rows.getString(1), t -> new TreeSet<>()).add(rows.getString(2));
      }
    }
    assertThat(sqlite).containsKeys("users", "audit_events", "webauthn_credentials");
    assertThat(sqlite.get("audit_events")).contains("id", "time", "details");
    assertThat(postgres).isEqualTo(sqlite);
  }

  @Test
  void bothHaveTheSameIndexes() throws SQLException {
    Set<String> sqlite;
    try (Connection c = DriverManager.getConnection(sqliteUrl)) {
      // sqlite_autoindex_*: the unnamed indexes behind PRIMARY KEY and UNIQUE
      sqlite =
          new TreeSet<>(
              strings(
                  c,
                  "SELECT name FROM sqlite_master WHERE type = 'index'"
                      + " AND name NOT LIKE 'sqlite_autoindex_%' AND tbl_name <> '"
                      + HISTORY
                      + "'"));
    }
    Set<String> postgres;
    try (Connection c = connectPostgres()) {
      // Those behind PRIMARY KEY and UNIQUE carry their constraint's name.
      postgres =
          new TreeSet<>(
              strings(
                  c,
                  "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                      + " AND tablename <> '"
                      + HISTORY
                      + "' AND indexname NOT IN (SELECT conname FROM pg_constraint)"));
    }
    assertThat(sqlite).contains("users_email", "audit_events_kind");
    assertThat(postgres).isEqualTo(sqlite);
  }

  /**
   * The tables of ephemeral data (Gatehouse's {@code EPHEMERAL_TABLES}, which SQLite moves to TEMP
   * under {@code cache_storage_disk = false}) are UNLOGGED on PostgreSQL, and only they: everything
   * else must survive a crash of the database.
   */
  @Test
  void onPostgresTheEphemeralTablesAndOnlyThoseAreUnlogged() throws SQLException {
    Set<String> unlogged;
    try (Connection c = connectPostgres()) {
      unlogged =
          new TreeSet<>(
              strings(
                  c,
                  "SELECT relname FROM pg_class WHERE relkind = 'r' AND relpersistence = 'u'"
                      + " AND relnamespace = 'public'::regnamespace"));
    }
    assertThat(unlogged)
        .containsExactlyInAnyOrder("sessions", "pairing_codes", "authorization_codes");
  }

  @Test
  void sqliteMigrationsKeepTheChecksumsTheyWereReleasedWith() {
    Map<String, Integer> applied =
        onSqlite.stream()
            .filter(m -> RELEASED_SQLITE_CHECKSUMS.containsKey(m.getVersion().getVersion()))
            .collect(
                Collectors.toMap(m -> m.getVersion().getVersion(), MigrationInfo::getChecksum));
    assertThat(applied).isEqualTo(RELEASED_SQLITE_CHECKSUMS);
  }

  private static Connection connectPostgres() throws SQLException {
    return Postgres.shared().connect(postgresDb.name());
  }

  private static List<String> versionsAndDescriptions(List<MigrationInfo> migrations) {
    return migrations.stream().map(m -> m.getVersion() + " " + m.getDescription()).toList();
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
