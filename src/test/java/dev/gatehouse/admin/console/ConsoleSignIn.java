package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.util.List;

/** A member of {@code admins} signed in to the console, and what the audit log says they did. */
record ConsoleSignIn(Browser browser, String id) implements AutoCloseable {
  static final String USERNAME = "root";

  static ConsoleSignIn of(TestGatehouse gh) {
    String id = gh.createUser(USERNAME, "root-password-for-tests", "admins");
    Browser browser = new Browser(gh);
    assertThat(browser.login(USERNAME, "root-password-for-tests").statusCode()).isEqualTo(303);
    return new ConsoleSignIn(browser, id);
  }

  /** The events of {@code kind} about {@code objectType} {@code objectId}, newest first. */
  static List<JsonNode> events(TestGatehouse gh, String kind, String objectType, String objectId) {
    return AuditLog.events(gh, "kind=" + kind + "&limit=200").stream()
        .filter(e -> objectType.equals(e.path("object_type").asText()))
        .filter(e -> objectId.equals(e.path("object_id").asText()))
        .toList();
  }

  /** Asserts that {@code event} was made by this admin through the console. */
  void made(JsonNode event) {
    assertThat(event.path("actor_kind").asText()).isEqualTo("user");
    assertThat(event.path("actor_id").asText()).isEqualTo(id);
    assertThat(event.path("actor_name").asText()).isEqualTo(USERNAME);
  }

  @Override
  public void close() {
    browser.close();
  }
}
