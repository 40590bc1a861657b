package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code cache_storage_disk = false}: ephemeral tables move to the write connection's TEMP schema,
 * which SQLite keeps in memory and resolves before {@code main} for unqualified names. Feature SQL
 * stays the same; the data is simply gone at restart.
 */
final class EphemeralTables {
  /**
   * Foreign keys cannot cross from TEMP into main; the features clean up through events instead.
   */
  private static final Pattern REFERENCES =
      Pattern.compile(
          "REFERENCES\\s+\\w+\\s*\\([^)]*\\)(\\s+ON\\s+DELETE\\s+CASCADE)?",
          Pattern.CASE_INSENSITIVE);

  private EphemeralTables() {}

  static void moveToMemory(Connection connection, Set<String> tables) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA temp_store = MEMORY");
      for (String table : tables) {
        String ddl;
        try (ResultSet row =
            statement.executeQuery(
                "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = '"
                    + table.replace("'", "")
                    + "'")) {
          if (!row.next()) {
            throw new SQLException("no ephemeral table named " + table);
          }
          ddl = row.getString(1);
        }
        statement.execute(
            REFERENCES
                .matcher(ddl)
                .replaceAll("")
                .replaceFirst("(?i)^CREATE TABLE", "CREATE TEMP TABLE"));
        // Rows a previous run left on disk would otherwise be loaded at start.
        statement.execute("DELETE FROM main." + table);
      }
    }
  }
}
