package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownAdminPathIsGuardedThenNotFoundTest {
  @TempDir Path dir;

  @Test
  void withoutAKeyIt401sAndWithOneItIsAJson404() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertError(gh.send("GET", "/api/admin", null, null), 401, "unauthorized", null);
      assertError(gh.send("GET", "/api/admin/nothing/here", null, null), 401, "unauthorized", null);

      assertError(gh.get("/api/admin/nothing/here"), 404, "not_found", null);
      assertError(
          gh.send("PUT", "/api/admin/users", "{}", TestGatehouse.API_KEY), 404, "not_found", null);
      assertError(gh.send("GET", "/no/such/page", null, null), 404, "not_found", null);
    }
  }
}
