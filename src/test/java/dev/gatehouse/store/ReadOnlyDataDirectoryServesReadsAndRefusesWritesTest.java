package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Portal;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.Tmpfs;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory that is read-only at start (a file system mounted read-only, as after an I/O
 * error): Gatehouse still starts, forward-auth and admin reads answer, and writes fail with 503 and
 * a clear message. (The kernel refuses to remount read-only while SQLite holds the files open for
 * writing, so "read-only at run time" looks like a full disk or an I/O error instead; see {@link
 * FullDiskMakesWritesUnavailableUntilSpaceReturnsTest}.)
 */
@Tag(TestBackend.SQLITE_ONLY)
class ReadOnlyDataDirectoryServesReadsAndRefusesWritesTest {
  @TempDir Path dir;

  @Test
  void startsOnAReadOnlyDirectoryServingReadsAndRefusingWrites() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("mnt"), "8m")) {
      Path data = disk.dir().resolve("data");
      String session;
      try (TestGatehouse gh = TestGatehouse.start(data)) {
        assertThat(
                gh.post(
                        "/api/admin/apps",
                        "{\"name\":\"whoami\",\"hosts\":[\"app.test\"],"
                            + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}")
                    .status())
            .isEqualTo(201);
        session = Portal.logIn(gh, "admin", TestGatehouse.ADMIN_PASSWORD);
      }
      disk.remount(true);
      try (TestGatehouse gh = TestGatehouse.start(data)) {
        assertThat(Portal.forwardAuth(gh, "app.test", session)).isEqualTo(200);
        TestGatehouse.Response apps = gh.get("/api/admin/apps");
        assertThat(apps.status()).isEqualTo(200);
        assertThat(apps.body()).contains("whoami");

        TestGatehouse.Response refused = gh.post("/api/admin/groups", "{\"name\":\"g\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("message").asText())
            .isEqualTo("the database cannot take writes right now; nothing was changed");
        assertThat(gh.get("/api/admin/groups/g").status()).isEqualTo(404);
      } finally {
        disk.remount(false);
      }
    }
  }
}
