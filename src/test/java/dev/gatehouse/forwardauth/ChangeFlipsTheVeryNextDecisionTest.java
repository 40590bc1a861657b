package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of change reaches the decision engine before the call that made it returns: the very
 * next decision sees it, with no sleep and no retry.
 */
class ChangeFlipsTheVeryNextDecisionTest {
  private static final String PAGE = "https://wiki.example.test/page";
  @TempDir Path dir;

  /** A world where alice (in staff) may open the wiki, through a session and a paired device. */
  record World(
      TestGatehouse gh,
      Browser alice,
      String userId,
      String appId,
      String deviceId,
      String device) {}

  enum Change {
    MEMBERSHIP_REMOVED(403) {
      @Override
      void apply(World w) {
        assertThat(w.gh().delete("/api/admin/groups/staff/members/alice").status()).isEqualTo(204);
      }
    },
    USER_DISABLED(401) {
      @Override
      void apply(World w) {
        assertThat(w.gh().patch("/api/admin/users/" + w.userId(), "{\"disabled\":true}").status())
            .isEqualTo(200);
      }
    },
    SESSION_REVOKED(401) {
      @Override
      void apply(World w) {
        String id = Secrets.digest(w.alice().cookie("gh_session")).substring(0, 16);
        assertThat(w.alice().get("/account").body())
            .contains("/account/sessions/" + id + "/revoke");
        assertThat(w.alice().submit("/account/sessions/" + id + "/revoke", Map.of()).statusCode())
            .isEqualTo(303);
      }

      @Override
      boolean viaDevice() {
        return false;
      }
    },
    DEVICE_REVOKED(401) {
      @Override
      void apply(World w) {
        assertThat(w.gh().delete("/api/admin/devices/" + w.deviceId()).status()).isEqualTo(204);
      }

      @Override
      boolean viaSession() {
        return false;
      }
    },
    RULE_CHANGED(403) {
      @Override
      void apply(World w) {
        var patched =
            w.gh()
                .patch(
                    "/api/admin/apps/" + w.appId(),
                    "{\"rules\":[{\"path\":\"/page\",\"policy\":\"deny\"}]}");
        assertThat(patched.status()).isEqualTo(200);
      }
    },
    APP_DELETED(403) {
      @Override
      void apply(World w) {
        assertThat(w.gh().delete("/api/admin/apps/" + w.appId()).status()).isEqualTo(204);
      }
    };

    final int after;

    Change(int after) {
      this.after = after;
    }

    abstract void apply(World world);

    boolean viaSession() {
      return true;
    }

    boolean viaDevice() {
      return true;
    }
  }

  @ParameterizedTest
  @EnumSource(Change.class)
  void nextDecisionSeesTheChange(Change change) {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      String userId = gh.createUser("alice", "alice-password", "staff");
      String appId =
          gh.createApp(
              "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
                  + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
      alice.login("alice", "alice-password");
      Browser.PairedDevice device = alice.pairDevice("laptop");
      World world = new World(gh, alice, userId, appId, device.id(), device.token());
      String session = "gh_session=" + alice.cookie("gh_session");
      String bearer = "Bearer " + device.token();
      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode()).isEqualTo(200);
      assertThat(proxy.forwardAuth("GET", PAGE, "Authorization", bearer).statusCode())
          .isEqualTo(200);

      change.apply(world);

      if (change.viaSession()) {
        assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", session).statusCode())
            .isEqualTo(change.after);
      }
      if (change.viaDevice()) {
        assertThat(proxy.forwardAuth("GET", PAGE, "Authorization", bearer).statusCode())
            .isEqualTo(change.after);
      }
    }
  }
}
