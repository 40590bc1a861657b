package dev.gatehouse;

import static dev.gatehouse.BackupUnderConcurrentWritersRestoresEveryAcknowledgedUserTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag(TestBackend.SQLITE_ONLY)
class BackupAndRestoreRefuseAndChangeNothingTest {
  @TempDir Path dataDir;
  @TempDir Path elsewhere;

  @Test
  void restoreRefusesACorruptFileAndLeavesTheDataDirectoryAsItWas() throws Exception {
    try (TestGatehouse server = TestGatehouse.start(dataDir)) {
      server.createUser("alice", "alice-password-1");
    }
    Map<String, byte[]> before = contents(dataDir);
    Path garbage = elsewhere.resolve("garbage.db");
    Files.write(garbage, "not a database at all, just some bytes ".repeat(200).getBytes());
    StringWriter err = new StringWriter();

    int exit = cli(dataDir, new StringWriter(), err).execute("restore", garbage.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("integrity_check").contains(garbage.toString());
    assertThat(err.toString().strip()).doesNotContain("\n");
    assertThat(contents(dataDir)).containsExactlyInAnyOrderEntriesOf(before);
  }

  @Test
  void restoreRefusesADataDirectoryARunningServerHolds() throws Exception {
    Path copy = elsewhere.resolve("copy.db");
    try (TestGatehouse server = TestGatehouse.start(dataDir)) {
      server.createUser("alice", "alice-password-1");
      assertThat(
              cli(dataDir, new StringWriter(), new StringWriter())
                  .execute("backup", "--to", copy.toString()))
          .isZero();
      Map<String, byte[]> before = contents(dataDir);
      StringWriter err = new StringWriter();

      int exit = cli(dataDir, new StringWriter(), err).execute("restore", copy.toString());

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).contains("running Gatehouse").contains("nothing changed");
      assertThat(contents(dataDir).keySet()).isEqualTo(before.keySet());
      assertThat(server.get("/api/admin/users?username=alice").body()).contains("alice");
    }
  }

  @Test
  void restoreIntoAStoppedDataDirectoryKeepsTheReplacedDatabase() throws Exception {
    Path copy = elsewhere.resolve("copy.db");
    try (TestGatehouse server = TestGatehouse.start(dataDir)) {
      server.createUser("alice", "alice-password-1");
      assertThat(
              cli(dataDir, new StringWriter(), new StringWriter())
                  .execute("backup", "--to", copy.toString()))
          .isZero();
      server.createUser("bob", "bob-password-1");
    }
    StringWriter out = new StringWriter();

    assertThat(cli(dataDir, out, new StringWriter()).execute("restore", copy.toString()))
        .as(out.toString())
        .isZero();

    assertThat(out.toString()).contains("kept as");
    try (Stream<Path> files = Files.list(dataDir)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .anyMatch(name -> name.matches("gatehouse\\.db\\.before-restore-\\d{8}T\\d{6}Z"))
          .noneMatch(name -> name.equals("gatehouse.db-wal") || name.equals("gatehouse.db-shm"));
    }
    try (TestGatehouse server = TestGatehouse.start(dataDir)) {
      assertThat(server.get("/api/admin/users?username=alice").body()).contains("alice");
      assertThat(server.get("/api/admin/users?username=bob").body()).doesNotContain("bob");
    }
  }

  @Test
  void backupRefusesAnExistingTargetAndLeavesItAsItWas() throws Exception {
    try (TestGatehouse server = TestGatehouse.start(dataDir)) {
      Path target = elsewhere.resolve("precious.txt");
      Files.writeString(target, "keep me");
      StringWriter err = new StringWriter();

      int exit = cli(dataDir, new StringWriter(), err).execute("backup", "--to", target.toString());

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).contains("--to " + target).contains("exists");
      assertThat(Files.readString(target)).isEqualTo("keep me");
    }
  }

  @Test
  void backupOfPostgresqlPointsToPgDump() {
    StringWriter err = new StringWriter();
    // the refusal comes before any connection: nothing listens on this port
    CommandLine cli =
        new CommandLine(
            new Main(
                Map.of(
                    "GATEHOUSE_STORAGE_DATA_DIR",
                    dataDir.toString(),
                    "GATEHOUSE_DATABASE_URL",
                    "jdbc:postgresql://127.0.0.1:1/gatehouse"),
                new ByteArrayInputStream(new byte[0])));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("backup", "--to", elsewhere.resolve("copy.db").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("database.url").contains("pg_dump");
    assertThat(Files.exists(elsewhere.resolve("copy.db"))).isFalse();
  }

  private static Map<String, byte[]> contents(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, byte[]> contents = new TreeMap<>();
      files.forEach(
          file -> {
            try {
              contents.put(file.getFileName().toString(), Files.readAllBytes(file));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      return contents;
    }
  }
}
