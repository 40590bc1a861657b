package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gatehouse.testing.TestBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteConfig;

/**
 * Kills a {@link CrashWorkload} process with SIGKILL at random moments while it writes both data
 * classes, restarting it on the same data directory each time, and checks after every kill that the
 * database is intact, that every acknowledged write is there and that no unit is half there.
 *
 * <p>A process kill loses nothing in any mode: every commit has reached the OS before the writer
 * acknowledges it, and the OS keeps it whatever happens to the process. The modes differ only on
 * power loss, which a test cannot cause; see docs/durability.md. With {@code cache_storage_disk =
 * false}, ephemeral rows never reach the file, so none may be found there.
 */
@Tag(TestBackend.SQLITE_ONLY)
class AcknowledgedWritesSurviveProcessKillTest {
  @TempDir Path dir;

  /**
   * Each mode runs under each data class in one of the first three rows, so every mode is killed 20
   * times (10 per class), and every batch that mixes the classes is synced by the stricter mode. A
   * JVM start costs seconds on a busy machine, hence two modes per process rather than one.
   */
  @ParameterizedTest(name = "log_sync={0}, ephemeral_log_sync={1}, cache_storage_disk={2}")
  @CsvSource({
    "immediate, interval_1000, true, 10",
    "immediate_async, immediate, true, 10",
    "interval_1000, immediate_async, true, 10",
    "immediate, immediate_async, false, 10",
  })
  void everyAcknowledgedWriteSurvivesAKill(
      String logSync, String ephemeralSync, boolean onDisk, int kills) throws Exception {
    Path dataDir = dir.resolve("data");
    Map<String, Long> identityAcked = new HashMap<>();
    Map<String, Long> ephemeralAcked = new HashMap<>();
    for (int kill = 0; kill < kills; kill++) {
      Path acks = dir.resolve("acks-" + kill);
      Process process = start(dataDir, acks, "r" + kill, logSync, ephemeralSync, onDisk);
      long ranFor = ThreadLocalRandom.current().nextLong(200, 800);
      Thread.sleep(ranFor);
      long killedAt = System.currentTimeMillis();
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

      int before = identityAcked.size() + ephemeralAcked.size();
      for (String line : Files.readAllLines(acks)) {
        String[] fields = line.split(" ", 3);
        (fields[0].equals("IDENTITY") ? identityAcked : ephemeralAcked)
            .put(fields[1], killedAt - Long.parseLong(fields[2]));
      }
      assertThat(identityAcked.size() + ephemeralAcked.size())
          .as("writes acknowledged in run %d (%d ms)", kill, ranFor)
          .isGreaterThan(before);
      checkAfterKill(dataDir.resolve("gatehouse.db"), identityAcked, ephemeralAcked, onDisk);
    }
  }

  private Process start(
      Path dataDir, Path acks, String tag, String logSync, String ephemeralSync, boolean onDisk)
      throws IOException {
    Path log = dir.resolve(tag + ".log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWorkload.class.getName(),
                dataDir.toString(),
                acks.toString(),
                tag,
                logSync,
                ephemeralSync,
                String.valueOf(onDisk))
            .redirectError(log.toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      process.destroyForcibly();
      fail("workload did not start (%s): %s", line, Files.readString(log));
    }
    return process;
  }

  /** Opens the file read-only, so the next run still recovers the WAL the kill left behind. */
  private static void checkAfterKill(
      Path db, Map<String, Long> identityAcked, Map<String, Long> ephemeralAcked, boolean onDisk)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection connection = config.createConnection("jdbc:sqlite:" + db);
        Statement sql = connection.createStatement()) {
      assertThat(column(sql, "PRAGMA integrity_check")).containsExactly("ok");
      assertThat(
              column(
                  sql,
                  "SELECT u.id FROM users u WHERE u.id LIKE 'r%' AND (SELECT count(*) FROM"
                      + " memberships m WHERE m.user_id = u.id) <> 3"))
          .as("users without exactly their three memberships")
          .isEmpty();
      assertThat(
              column(
                  sql,
                  "SELECT substr(id_digest, 1, length(id_digest) - 2) AS unit FROM sessions"
                      + " GROUP BY unit HAVING count(*) <> 2"))
          .as("ephemeral units with one of their two rows")
          .isEmpty();
      assertThat(lost(identityAcked, column(sql, "SELECT id FROM users WHERE id LIKE 'r%'")))
          .as("identity writes lost (ms acknowledged before the kill)")
          .isEmpty();
      List<String> sessions =
          column(
              sql,
              "SELECT substr(id_digest, 1, length(id_digest) - 2) FROM sessions"
                  + " WHERE id_digest LIKE '%-a'");
      if (onDisk) {
        assertThat(lost(ephemeralAcked, sessions))
            .as("ephemeral writes lost (ms acknowledged before the kill)")
            .isEmpty();
      } else {
        assertThat(sessions).as("ephemeral rows kept in memory only").isEmpty();
      }
    }
  }

  private static Map<String, Long> lost(Map<String, Long> acked, List<String> present) {
    Map<String, Long> lost = new HashMap<>(acked);
    present.forEach(lost::remove);
    return lost;
  }

  private static List<String> column(Statement sql, String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rows = sql.executeQuery(query)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
