package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.assertNeedsKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin side of paired devices: list and revoke. Pairing itself goes through a user's login
 * session and is tested with the login portal.
 */
class AdminApiRevokesDevicesTest {
  @TempDir Path dir;

  @Test
  void listPagesAndRefusesBadCalls() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      JsonNode page = gh.get("/api/admin/devices?limit=10&offset=0").json();
      assertThat(page.get("items")).isEmpty();
      assertThat(page.get("total").asLong()).isZero();
      assertThat(page.get("limit").asInt()).isEqualTo(10);

      assertError(gh.get("/api/admin/devices?limit=0"), 400, "invalid_request", "limit");
      assertError(gh.delete("/api/admin/devices/no-such-device"), 404, "not_found", null);

      String readOnly = AdminCalls.readOnlyKey(gh, "devices read-only");
      assertNeedsKey(gh, "GET", "/api/admin/devices", null);
      assertNeedsKey(gh, "DELETE", "/api/admin/devices/some-device", null);
      assertThat(gh.send("GET", "/api/admin/devices", null, readOnly).status()).isEqualTo(200);
      assertError(
          gh.send("DELETE", "/api/admin/devices/some-device", null, readOnly),
          403,
          "forbidden",
          null);
    }
  }
}
