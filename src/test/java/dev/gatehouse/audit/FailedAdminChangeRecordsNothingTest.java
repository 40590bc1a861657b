package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change the API refuses (a validation error, a conflict, an unknown id) changed nothing, so it
 * records nothing: the log holds what happened, not what was tried.
 */
class FailedAdminChangeRecordsNothingTest {
  @TempDir Path dir;

  @Test
  void refusedChangesLeaveNoChangeEvent() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.createUser("dave", "dave-password");
      int before = AuditLog.events(gh, "kind=admin_change").size();

      assertThat(
              gh.post("/api/admin/users", "{\"username\":\"erin\",\"email\":\"not-an-email\"}")
                  .status())
          .isEqualTo(400);
      assertThat(gh.post("/api/admin/users", "{\"username\":\"dave\"}").status()).isEqualTo(409);
      assertThat(gh.patch("/api/admin/users/no-such-id", "{\"disabled\":true}").status())
          .isEqualTo(404);
      assertThat(gh.delete("/api/admin/apps/no-such-app").status()).isEqualTo(404);
      assertThat(gh.post("/api/admin/apps", "{\"name\":\"x\",\"hosts\":[],\"rules\":[]}").status())
          .isEqualTo(400);

      assertThat(AuditLog.events(gh, "kind=admin_change")).hasSize(before);
    }
  }
}
