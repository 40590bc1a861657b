package dev.gatehouse.cluster;

import static dev.gatehouse.cluster.ClusterNodesStayInStepTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node does when its database goes away: decisions keep coming from memory, readiness says
 * the database is unreachable, writes answer 503 and change nothing; when it is back, the node
 * reconnects and reloads by itself, and what it missed meanwhile is in memory.
 */
@Tag(TestBackend.OWN_DATABASE)
class ClusterRidesOutLostConnectionsTest {
  private static final String WIKI = "https://wiki.example.test/page";
  private static final String APP =
      """
      {"name":"wiki","hosts":["wiki.example.test"],"rules":[
        {"path":"/","policy":"groups","groups":["staff"]}]}""";

  @TempDir Path dir;

  @Test
  void aNodeThatLostItsListeningConnectionReloadsWhatItMissed() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      String alice = a.createUser("alice", "alice-password", "staff");
      a.createApp(APP);
      try (Browser browser = new Browser(a);
          Proxy viaB = new Proxy(b)) {
        browser.login("alice", "alice-password");
        String cookies = browser.cookieHeader();
        eventually(() -> viaB.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 200);
        assertThat(b.metric("gatehouse_cluster_reloads_total")).isZero();

        cluster.dropListeners();
        // Changed while B cannot hear: B catches up by reloading once it listens again.
        assertThat(a.patch("/api/admin/users/" + alice, "{\"disabled\":true}").status())
            .isEqualTo(200);
        eventually(() -> b.metric("gatehouse_cluster_reloads_total") >= 1);
        eventually(() -> viaB.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 401);
        assertThat(b.metric("gatehouse_db_reachable")).isEqualTo(1);
      }
    }
  }

  @Test
  void whileTheDatabaseIsAwayDecisionsFlowWritesAnswer503AndAllComesBack() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      String alice = a.createUser("alice", "alice-password", "staff");
      a.createApp(APP);
      try (Browser browser = new Browser(a);
          Proxy viaA = new Proxy(a);
          Proxy viaB = new Proxy(b)) {
        browser.login("alice", "alice-password");
        String cookies = browser.cookieHeader();
        eventually(() -> viaB.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 200);

        cluster.cutOff();
        eventually(() -> a.get("/health/ready").body().contains("\"unreachable\""));
        TestGatehouse.Response ready = a.get("/health/ready");
        assertThat(ready.status()).as("still serving decisions").isEqualTo(200);
        assertThat(a.metric("gatehouse_db_reachable")).isZero();
        for (int i = 0; i < 200; i++) {
          assertThat(viaA.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode()).isEqualTo(200);
          assertThat(viaB.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode()).isEqualTo(200);
        }
        TestGatehouse.Response refused =
            a.post("/api/admin/groups", "{\"name\":\"during-the-outage\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).isEqualTo("temporarily_unavailable");

        cluster.restore();
        eventually(() -> a.get("/health/ready").body().contains("\"reachable\""));
        eventually(() -> b.get("/health/ready").body().contains("\"reachable\""));
        // Writes come back on their own, and the refused one left nothing behind.
        TestGatehouse.Response created = a.post("/api/admin/groups", "{\"name\":\"after\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(a.get("/api/admin/groups/during-the-outage").status()).isEqualTo(404);
        assertThat(b.patch("/api/admin/users/" + alice, "{\"disabled\":true}").status())
            .isEqualTo(200);
        eventually(() -> viaA.forwardAuth("GET", WIKI, "Cookie", cookies).statusCode() == 401);
        assertThat(a.metric("gatehouse_cluster_reloads_total")).isGreaterThanOrEqualTo(1);
      }
    }
  }
}
