package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one PostgreSQL database, in this JVM: what one node commits, the others' very next
 * decisions honour (a sign-in), or honour as soon as they hear of it (a disable, a revocation, an
 * app's new rule), with no restart and no statement on the hot path.
 */
@Tag(TestBackend.OWN_DATABASE)
class ClusterNodesStayInStepTest {
  private static final String WIKI = "https://wiki.example.test/page";

  @TempDir Path dir;

  @Test
  void aSignInOnOneNodeIsHonouredByTheOthersNextDecision() {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      TestGatehouse c = cluster.start();
      a.createUser("alice", "alice-password", "staff");
      a.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      try (Proxy viaB = new Proxy(b);
          Proxy viaC = new Proxy(c)) {
        // Twenty sign-ins on A, each asked of B and C at once: never "signed out".
        for (int i = 0; i < 20; i++) {
          try (Browser alice = new Browser(a)) {
            alice.login("alice", "alice-password");
            String cookies = alice.cookieHeader();
            assertThat(viaB.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode())
                .as("sign-in %d on B", i)
                .isEqualTo(200);
            assertThat(viaC.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode())
                .as("sign-in %d on C", i)
                .isEqualTo(200);
          }
        }
      }
    }
  }

  @Test
  void aDevicePairedOnOneNodeIsHonouredByTheOthersNextDecision() {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      a.createUser("alice", "alice-password", "staff");
      a.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      try (Browser alice = new Browser(a);
          Proxy viaB = new Proxy(b)) {
        alice.login("alice", "alice-password");
        for (int i = 0; i < 10; i++) {
          String token = alice.pairDevice("laptop " + i).token();
          assertThat(viaB.forwardAuth("GET", WIKI, "Authorization", "Bearer " + token).statusCode())
              .as("device %d on B", i)
              .isEqualTo(200);
        }
      }
    }
  }

  @Test
  void disablingOrRevokingOnOneNodeReachesEveryOther() {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      TestGatehouse c = cluster.start();
      String alice = a.createUser("alice", "alice-password", "staff");
      a.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      try (Browser browser = new Browser(a);
          Proxy viaA = new Proxy(a);
          Proxy viaC = new Proxy(c)) {
        browser.login("alice", "alice-password");
        String cookies = browser.cookieHeader();
        eventually(() -> viaC.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 200);

        // Disabled through B: A and C deny, without a query on their hot path.
        long readsOnC = c.gatehouse().store().metrics().readStatements();
        assertThat(b.patch("/api/admin/users/" + alice, "{\"disabled\":true}").status())
            .isEqualTo(200);
        eventually(() -> viaA.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 401);
        eventually(() -> viaC.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 401);
        assertThat(b.patch("/api/admin/users/" + alice, "{\"disabled\":false}").status())
            .isEqualTo(200);
        // Disabling ended her sessions everywhere: enabled again, the old cookie stays dead.
        assertThat(viaC.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode()).isEqualTo(401);
        assertThat(c.gatehouse().store().metrics().readStatements() - readsOnC)
            .as("C re-read what it heard of, a few rows, nothing per decision")
            .isLessThan(20);

        // A group taken off the app's rule on B: C's next decisions follow.
        browser.login("alice", "alice-password");
        String fresh = browser.cookieHeader();
        eventually(() -> viaC.forwardAuth("GET", WIKI, "Cookie", fresh).statusCode() == 200);
        assertThat(b.delete("/api/admin/groups/staff/members/alice").status()).isIn(200, 204);
        eventually(() -> viaC.forwardAuth("GET", WIKI, "Cookie", fresh).statusCode() == 403);

        // Signed out everywhere by an admin on C: A denies.
        assertThat(c.delete("/api/admin/users/" + alice + "/sessions").status()).isIn(200, 204);
        eventually(() -> viaA.forwardAuth("GET", WIKI, "Cookie", fresh).statusCode() == 401);
      }
    }
  }

  /** Polls {@code condition} for up to five seconds: announcements take milliseconds. */
  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
