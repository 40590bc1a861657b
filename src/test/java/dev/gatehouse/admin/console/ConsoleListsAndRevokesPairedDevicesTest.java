package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleListsAndRevokesPairedDevicesTest {
  @TempDir Path dir;

  @Test
  void anAdminRevokesAnotherUsersDevice() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh);
        Browser alice = new Browser(gh)) {
      String aliceId = gh.createUser("alice", "alice-password-1");
      alice.login("alice", "alice-password-1");
      Browser.PairedDevice tv = alice.pairDevice("living room tv");

      String page = admin.browser().get("/admin/devices").body();
      assertThat(page)
          .contains("living room tv")
          .contains("<a href=\"/admin/users/" + aliceId + "\">alice</a>")
          .contains("/admin/devices/" + tv.id() + "/revoke")
          .contains("1–1 of 1 devices")
          .doesNotContain(tv.token());

      HttpResponse<String> revoked =
          admin.browser().submit("/admin/devices/" + tv.id() + "/revoke", Map.of());
      assertThat(revoked.headers().firstValue("Location")).hasValue("/admin/devices?done=revoked");
      assertThat(gh.get("/api/admin/devices").json().get("total").asInt()).isZero();
      assertThat(admin.browser().get("/admin/devices").body()).contains("No paired devices.");
      admin.made(ConsoleSignIn.events(gh, "device_revoked", "device", tv.id()).getFirst());
    }
  }
}
