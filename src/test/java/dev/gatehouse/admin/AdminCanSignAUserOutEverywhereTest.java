package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /api/admin/users/{id}/sessions} ends every session of one user, on every browser,
 * at once (the next decision refuses them), touches nobody else's, and is audited.
 */
class AdminCanSignAUserOutEverywhereTest {
  private static final String WIKI = "https://wiki.example.test/";
  @TempDir Path dir;

  @Test
  void everySessionOfTheUserEndsAndOnlyTheirs() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser phone = new Browser(gh);
        Browser laptop = new Browser(gh);
        Browser other = new Browser(gh)) {
      String alice = gh.createUser("alice", "alice-password");
      gh.createUser("bob", "bob-password");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/","policy":"authenticated"}]}""");
      phone.login("alice", "alice-password");
      laptop.login("alice", "alice-password");
      other.login("bob", "bob-password");

      TestGatehouse.Response ended = gh.delete("/api/admin/users/" + alice + "/sessions");
      assertThat(ended.status()).isEqualTo(200);
      assertThat(ended.json().get("ended").asInt()).isEqualTo(2);

      for (Browser browser : new Browser[] {phone, laptop}) {
        assertThat(proxy.forwardAuth("GET", WIKI, "Cookie", browser.cookieHeader()).statusCode())
            .isEqualTo(401);
      }
      assertThat(proxy.forwardAuth("GET", WIKI, "Cookie", other.cookieHeader()).statusCode())
          .isEqualTo(200);
      JsonNode events = gh.get("/api/admin/audit?kind=session_revoked").json().get("events");
      assertThat(events).hasSize(1);
      assertThat(events.get(0).get("subject_user_id").asText()).isEqualTo(alice);
      assertThat(events.get(0).get("actor_kind").asText()).isEqualTo("api_key");
      assertThat(gh.delete("/api/admin/users/nobody/sessions").status()).isEqualTo(404);
    }
  }
}
