package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.apikey.ApiKeyEvent;
import dev.gatehouse.app.AppEvent;
import dev.gatehouse.client.ClientEvent;
import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.user.UserEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-memory views update from events, so an admin call must not answer before its event has been
 * delivered: the assertions run right after the response, without waiting or polling.
 */
class AdminChangesAreSeenBeforeTheCallReturnsTest {
  @TempDir Path dir;

  @Test
  void subscribersHaveSeenEachChangeWhenTheResponseArrives() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      // Each change also publishes its audit event (after its own), not looked at here; on
      // PostgreSQL the node's re-reads of its own announcements come later, from its listener.
      List<DomainEvent> seen = new CopyOnWriteArrayList<>();
      gh.gatehouse()
          .events()
          .subscribe(
              DomainEvent.class,
              e -> {
                if (!e.getClass().getPackageName().equals("dev.gatehouse.audit")
                    && Thread.currentThread().getName().equals("gatehouse-writer")) {
                  seen.add(e);
                }
              });

      gh.post("/api/admin/groups", "{\"name\":\"family\"}");
      assertThat(seen).containsExactly(new UserEvent.GroupCreated("family"));

      String id = gh.post("/api/admin/users", "{\"username\":\"alice\"}").json().get("id").asText();
      assertThat(seen.getLast())
          .isInstanceOfSatisfying(
              UserEvent.UserChanged.class, e -> assertThat(e.user().id()).isEqualTo(id));

      gh.patch("/api/admin/users/" + id, "{\"disabled\":true}");
      assertThat(seen.getLast())
          .isInstanceOfSatisfying(
              UserEvent.UserChanged.class, e -> assertThat(e.user().disabled()).isTrue());

      gh.post("/api/admin/groups/family/members", "{\"username\":\"alice\"}");
      assertThat(seen.getLast()).isEqualTo(new UserEvent.MembershipChanged("family", id, true));

      gh.delete("/api/admin/groups/family/members/alice");
      assertThat(seen.getLast()).isEqualTo(new UserEvent.MembershipChanged("family", id, false));

      gh.delete("/api/admin/users/" + id);
      assertThat(seen.getLast()).isEqualTo(new UserEvent.UserDeleted(id, "alice"));

      gh.post("/api/admin/apps", "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"]}");
      assertThat(seen.getLast()).isInstanceOf(AppEvent.AppChanged.class);

      gh.post(
          "/api/admin/clients", "{\"client_id\":\"c\",\"redirect_uris\":[\"https://c.test/\"]}");
      assertThat(seen.getLast()).isInstanceOf(ClientEvent.ClientChanged.class);

      gh.post("/api/admin/api-keys", "{\"name\":\"k\"}");
      assertThat(seen.getLast()).isInstanceOf(ApiKeyEvent.ApiKeyCreated.class);

      int before = seen.size();
      gh.post("/api/admin/groups", "{\"name\":\"family\"}");
      assertThat(seen).as("a refused call publishes nothing").hasSize(before);
    }
  }
}
