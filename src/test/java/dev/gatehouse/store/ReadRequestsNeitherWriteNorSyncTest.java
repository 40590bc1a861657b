package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Portal;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000's slow logins came from a cache write, and its sync, on every request. Here forward-auth
 * decisions and admin reads commit nothing and sync nothing, however many there are; session
 * activity reaches the database only in the background flush (set far off here), once per interval.
 */
class ReadRequestsNeitherWriteNorSyncTest {
  @TempDir Path dir;

  @Test
  void forwardAuthAndAdminReadsCauseNoTransactionAndNoSync() throws Exception {
    try (TestGatehouse gh =
        TestGatehouse.start(dir, Map.of("GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "600000"))) {
      assertThat(
              gh.post(
                      "/api/admin/apps",
                      "{\"name\":\"whoami\",\"hosts\":[\"app.test\"],"
                          + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}")
                  .status())
          .isEqualTo(201);
      String session = Portal.logIn(gh, "admin", TestGatehouse.ADMIN_PASSWORD);
      StoreMetrics metrics = gh.gatehouse().store().metrics();
      // Let the interval syncer cover the login's session write before counting.
      Thread.sleep(1500);
      long transactions = metrics.transactions();
      long syncs = metrics.syncs();

      for (int i = 0; i < 200; i++) {
        assertThat(Portal.forwardAuth(gh, "app.test", session)).isEqualTo(200);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(gh.get("/api/admin/users").status()).isEqualTo(200);
        assertThat(gh.get("/api/admin/apps").status()).isEqualTo(200);
      }
      Thread.sleep(1500);

      assertThat(metrics.transactions()).as("write transactions").isEqualTo(transactions);
      assertThat(metrics.syncs()).as("syncs").isEqualTo(syncs);
    }
  }
}
