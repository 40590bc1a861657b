package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind a file declares works as if made through the API (a sign-in with the file's password
 * passes forward-auth by the file's rules, the client's secret gets a token, the key reads the
 * admin API), and a second apply of the same file changes nothing and says so.
 */
class ProvisioningFileAppliesOnceAndSaysSoTest {
  @TempDir Path dir;
  @TempDir Path files;

  @Test
  void appliesEveryKindThenNothing() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      Path file = Provisioning.full(files);

      Provisioner.Outcome first = Provisioning.apply(gh, file, false, false);

      assertThat(first.applied()).isTrue();
      assertThat(Provisioning.lines(first))
          .containsExactly(
              "+ group staff",
              "+ group ops",
              "+ user alice",
              "+ user bob",
              "+ app wiki",
              "+ client grafana",
              "+ api_key ci");
      assertThat(alice.login("alice", "alice's long password").statusCode()).isEqualTo(303);
      String page = "https://wiki.example.test/";
      assertThat(proxy.forwardAuth("GET", page, "Cookie", alice.cookieHeader()).statusCode())
          .isEqualTo(200);
      assertThat(
              proxy.forwardAuth("GET", page + "admin", "Cookie", alice.cookieHeader()).statusCode())
          .as("alice is not in ops")
          .isEqualTo(403);
      assertThat(Provisioning.tokenStatus(gh, "grafana", Provisioning.GRAFANA_SECRET))
          .isEqualTo(200);
      assertThat(gh.send("GET", "/api/admin/users", null, Provisioning.CI_KEY).status())
          .isEqualTo(200);
      assertThat(
              gh.send("POST", "/api/admin/groups", "{\"name\":\"x\"}", Provisioning.CI_KEY)
                  .status())
          .as("the file made it a read-only key")
          .isEqualTo(403);
      assertThat(gh.get("/api/admin/users?username=bob").json().get("items").get(0).get("groups"))
          .hasSize(2);

      Provisioner.Outcome second = Provisioning.apply(gh, file, false, false);

      assertThat(second.changes()).isEmpty();
      assertThat(second.applied()).isFalse();
      assertThat(alice.login("alice", "alice's long password").statusCode())
          .as("the password was not set again, nor the session ended")
          .isEqualTo(303);
    }
  }
}
