package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag(TestBackend.SQLITE_ONLY)
class BackupUnderConcurrentWritersRestoresEveryAcknowledgedUserTest {
  private static final int WRITERS = 16;

  @TempDir Path live;
  @TempDir Path elsewhere;
  @TempDir Path backups;

  @Test
  void everyUserAcknowledgedBeforeTheBackupIsInTheRestoredInstance() throws Exception {
    Path copy = backups.resolve("gatehouse-backup.db");
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> beforeBackup;
    String backupOutput;
    int writtenDuring;
    try (TestGatehouse server = TestGatehouse.start(live);
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger sequence = new AtomicInteger();
      List<Future<?>> running =
          IntStream.range(0, WRITERS)
              .<Future<?>>mapToObj(
                  writer ->
                      writers.submit(
                          () -> {
                            while (!stop.get()) {
                              String username = "w" + writer + "-" + sequence.incrementAndGet();
                              TestGatehouse.Response created =
                                  server.post(
                                      "/api/admin/users",
                                      "{\"username\":\""
                                          + username
                                          + "\",\"email\":\""
                                          + username
                                          + "@example.test\"}");
                              assertThat(created.status()).as(created.body()).isEqualTo(201);
                              acknowledged.add(username);
                            }
                            return null;
                          }))
              .toList();
      while (acknowledged.size() < 200) {
        Thread.sleep(5);
      }
      beforeBackup = Set.copyOf(acknowledged);
      StringWriter out = new StringWriter();
      int exit = cli(live, out, new StringWriter()).execute("backup", "--to", copy.toString());
      backupOutput = out.toString();
      assertThat(exit).as(backupOutput).isZero();
      int atBackupEnd = acknowledged.size();
      while (acknowledged.size() < atBackupEnd + 50) {
        Thread.sleep(5);
      }
      stop.set(true);
      for (Future<?> writer : running) {
        writer.get();
      }
      writtenDuring = acknowledged.size() - beforeBackup.size();
    }
    assertThat(writtenDuring).isPositive();
    assertThat(backupOutput).contains("wrote " + copy).contains("integrity_check ok");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
        .isEqualTo("rw-------");

    Path fresh = elsewhere.resolve("data");
    StringWriter restored = new StringWriter();
    assertThat(cli(fresh, restored, new StringWriter()).execute("restore", copy.toString()))
        .as(restored.toString())
        .isZero();
    Path database = fresh.resolve("gatehouse.db");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database)))
        .isEqualTo("rw-------");
    // the signing keys in the copy are sealed: the key that sealed them goes along, apart
    assertThat(restored.toString()).contains("gatehouse.kek");
    Files.copy(live.resolve("gatehouse.kek"), fresh.resolve("gatehouse.kek"));
    try (TestGatehouse server = TestGatehouse.start(fresh)) {
      Set<String> found = new HashSet<>();
      for (String username : beforeBackup) {
        TestGatehouse.Response user = server.get("/api/admin/users?username=" + username);
        if (user.body().contains("\"" + username + "\"")) {
          found.add(username);
        }
      }
      assertThat(found).containsExactlyInAnyOrderElementsOf(beforeBackup);
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
      result.next();
      assertThat(result.getString(1)).isEqualTo("ok");
    }
  }

  static CommandLine cli(Path dataDir, StringWriter out, StringWriter err) {
    Map<String, String> env = TestGatehouse.testEnv(dataDir);
    CommandLine cli = new CommandLine(new Main(env, new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }
}
