package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Portal;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory on a 4 MiB tmpfs that fills up while the server runs: admin writes answer 503
 * with a clear message and change nothing, forward-auth and admin reads keep answering, and writes
 * work again as soon as space returns, with no restart and an intact database.
 */
@Tag(TestBackend.SQLITE_ONLY)
class FullDiskMakesWritesUnavailableUntilSpaceReturnsTest {
  @TempDir Path dir;

  @Test
  void writesFailWith503WhileTheDiskIsFullAndSucceedOnceSpaceReturns() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("mnt"), "4m");
        TestGatehouse gh = TestGatehouse.start(disk.dir().resolve("data"))) {
      assertThat(
              gh.post(
                      "/api/admin/apps",
                      "{\"name\":\"whoami\",\"hosts\":[\"app.test\"],"
                          + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}")
                  .status())
          .isEqualTo(201);
      String session = Portal.logIn(gh, "admin", TestGatehouse.ADMIN_PASSWORD);
      assertThat(Portal.forwardAuth(gh, "app.test", session)).isEqualTo(200);

      Path filler = disk.fill();
      // The WAL may still have room from earlier frames, so a few writes can succeed first.
      TestGatehouse.Response refused = null;
      for (int i = 0; i < 200 && refused == null; i++) {
        TestGatehouse.Response response = gh.post("/api/admin/groups", group("full-" + i));
        assertThat(response.status()).isIn(201, 503);
        if (response.status() == 503) {
          refused = response;
        }
      }
      assertThat(refused).as("a write refused while the disk is full").isNotNull();
      assertThat(refused.json().get("error").asText()).isEqualTo("temporarily_unavailable");
      assertThat(refused.json().get("message").asText())
          .isEqualTo("the database cannot take writes right now; nothing was changed");
      assertThat(gh.post("/api/admin/groups", group("while-full")).status()).isEqualTo(503);

      assertThat(Portal.forwardAuth(gh, "app.test", session))
          .as("forward-auth answers from memory")
          .isEqualTo(200);
      assertThat(gh.get("/api/admin/users").status()).as("admin reads").isEqualTo(200);

      Files.delete(filler);
      assertThat(gh.post("/api/admin/groups", group("after")).status()).isEqualTo(201);
      assertThat(gh.get("/api/admin/groups/after").status()).isEqualTo(200);
      assertThat(gh.get("/api/admin/groups/while-full").status()).isEqualTo(404);
      List<String> integrity =
          gh.gatehouse()
              .store()
              .reads()
              .read(q -> q.list("PRAGMA integrity_check", row -> row.getString(1)));
      assertThat(integrity).containsExactly("ok");
    }
  }

  private static String group(String name) {
    return "{\"name\":\"" + name + "\"}";
  }
}
