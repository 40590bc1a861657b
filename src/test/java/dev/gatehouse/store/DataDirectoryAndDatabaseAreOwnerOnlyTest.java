package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh data directory is created 0700 and the database (with its -wal and -shm files) 0600; an
 * existing directory or database that other users can read is left alone but warned about.
 */
@Tag(TestBackend.SQLITE_ONLY)
class DataDirectoryAndDatabaseAreOwnerOnlyTest {
  @TempDir Path parent;

  @Test
  void freshDirectoryAndDatabaseAreOwnerOnly() throws Exception {
    Path dir = parent.resolve("data");
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.createUser("alice", "alice-password");
      assertThat(mode(dir)).isEqualTo("rwx------");
      assertThat(mode(dir.resolve("gatehouse.db"))).isEqualTo("rw-------");
      for (String suffix : List.of("-wal", "-shm")) {
        Path sibling = dir.resolve("gatehouse.db" + suffix);
        assertThat(sibling).exists();
        assertThat(mode(sibling)).as(suffix).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void looserExistingFilesAreWarnedAbout() throws Exception {
    Path dir = parent.resolve("shared");
    TestGatehouse.start(dir).close();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        dir.resolve("gatehouse.db"), PosixFilePermissions.fromString("rw-r--r--"));
    List<String> warnings = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(OwnerOnly.class.getName());
    logger.addHandler(handler);
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(warnings)
          .anySatisfy(w -> assertThat(w).startsWith(dir.toString()).contains("chmod 700"))
          .anySatisfy(
              w ->
                  assertThat(w)
                      .startsWith(dir.resolve("gatehouse.db").toString())
                      .contains("chmod 600"));
      assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
    } finally {
      logger.removeHandler(handler);
    }
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
