package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code [audit] log_stdout}, each event is one JSON line on stdout carrying the fields the
 * API returns for it; without it, none.
 */
class LogStdoutPrintsOneJsonLinePerEventTest {
  @TempDir Path dir;

  @Test
  void eachEventIsOneLineWithTheApiFields() throws Exception {
    try (AuditLog.Stdout stdout = new AuditLog.Stdout();
        TestGatehouse gh = TestGatehouse.start(dir, Map.of("GATEHOUSE_AUDIT_LOG_STDOUT", "true"))) {
      gh.createUser("kim", "kim-password");
      gh.post("/api/admin/groups", "{\"name\":\"family\"}");
      List<JsonNode> events = AuditLog.events(gh, "limit=200");

      List<JsonNode> lines = new ArrayList<>();
      for (String line : stdout.auditLines()) {
        JsonNode parsed = Json.MAPPER.readTree(line);
        assertThat(parsed.get("log").asText()).isEqualTo("audit");
        ((com.fasterxml.jackson.databind.node.ObjectNode) parsed).remove("log");
        lines.add(parsed);
      }

      assertThat(lines).hasSize(events.size());
      assertThat(lines).containsExactlyInAnyOrderElementsOf(events);
    }
  }

  @Test
  void offByDefault() {
    try (AuditLog.Stdout stdout = new AuditLog.Stdout();
        TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.createUser("kim", "kim-password");
      assertThat(AuditLog.events(gh, "")).isNotEmpty();

      assertThat(stdout.auditLines()).isEmpty();
    }
  }
}
