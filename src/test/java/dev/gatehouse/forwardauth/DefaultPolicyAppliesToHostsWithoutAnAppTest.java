package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultPolicyAppliesToHostsWithoutAnAppTest {
  @TempDir Path dir;

  @Test
  void denyByDefault() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      assertThat(proxy.forwardAuth("GET", "https://nowhere.test/").statusCode()).isEqualTo(403);
      assertThat(
              proxy
                  .forwardAuth("GET", "https://nowhere.test/", "Cookie", alice.cookieHeader())
                  .statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void authenticatedWhenConfigured() {
    try (TestGatehouse gh =
            TestGatehouse.start(
                dir, Map.of("GATEHOUSE_FORWARD_AUTH_DEFAULT_POLICY", "authenticated"));
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      alice.login("alice", "alice-password");
      assertThat(proxy.forwardAuth("GET", "https://nowhere.test/").statusCode()).isEqualTo(401);
      var allowed =
          proxy.forwardAuth("GET", "https://nowhere.test/", "Cookie", alice.cookieHeader());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("Remote-User")).hasValue("alice");
    }
  }
}
