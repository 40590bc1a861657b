package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Postgres;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Gatehouse node on a real PostgreSQL database: users, apps, sign-in, forward-auth and the
 * audit log work as on SQLite, decisions still run no statement, and everything (sessions included)
 * is still there after a restart on the same database.
 */
@Tag(TestBackend.OWN_DATABASE)
class GatehouseRunsOnPostgresTest {
  @TempDir Path dir;

  @Test
  void signInForwardAuthAndAuditWorkOnPostgresAndSurviveARestart() throws Exception {
    Postgres postgres = Postgres.shared();
    Map<String, String> env =
        Map.of(
            "GATEHOUSE_DATABASE_URL", postgres.createDatabase().jdbcUrl(),
            "GATEHOUSE_DATABASE_USER", postgres.user(),
            "GATEHOUSE_DATABASE_PASSWORD", postgres.password(),
            "GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "600000");
    String cookies;
    String userId;
    try (TestGatehouse gh = TestGatehouse.start(dir, env);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      assertThat(gh.gatehouse().store().url()).startsWith("jdbc:postgresql://");
      userId = gh.createUser("alice", "alice-password", "staff");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      alice.login("alice", "alice-password");
      assertThat(alice.cookie("gh_session")).isNotNull();
      cookies = alice.cookieHeader();

      assertThat(
              proxy
                  .forwardAuth("GET", "https://wiki.example.test/page", "Cookie", cookies)
                  .statusCode())
          .isEqualTo(200);
      assertThat(proxy.forwardAuth("GET", "https://wiki.example.test/page").statusCode())
          .isEqualTo(401);

      List<JsonNode> signIns = AuditLog.events(gh, "kind=sign_in");
      assertThat(signIns).hasSize(1);
      assertThat(signIns.getFirst().toString()).contains(userId);

      gh.settle();
      StoreMetrics metrics = gh.gatehouse().store().metrics();
      long reads = metrics.readStatements();
      long writes = metrics.writeStatements();
      for (int i = 0; i < 500; i++) {
        assertThat(
                proxy
                    .forwardAuth("GET", "https://wiki.example.test/p" + i, "Cookie", cookies)
                    .statusCode())
            .isEqualTo(200);
      }
      assertThat(metrics.readStatements()).isEqualTo(reads);
      assertThat(metrics.writeStatements()).isEqualTo(writes);
    }

    try (TestGatehouse gh = TestGatehouse.start(dir, env);
        Proxy proxy = new Proxy(gh)) {
      TestGatehouse.Response user = gh.get("/api/admin/users/" + userId);
      assertThat(user.status()).as(user.body()).isEqualTo(200);
      assertThat(user.json().get("username").asText()).isEqualTo("alice");
      assertThat(
              proxy
                  .forwardAuth("GET", "https://wiki.example.test/page", "Cookie", cookies)
                  .statusCode())
          .as("the session survived the restart")
          .isEqualTo(200);
      assertThat(AuditLog.events(gh, "kind=sign_in")).hasSize(1);
    }
  }
}
