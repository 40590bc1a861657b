package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading the audit log in tests (of any package). */
public final class AuditLog {
  private AuditLog() {}

  /**
   * Returns once every event queued so far is committed (and printed): the writer runs units in the
   * order they were queued, so a write queued now completes after all of them.
   */
  public static void settle(TestGatehouse gh) {
    gh.gatehouse().store().writer().write(DataClass.AUDIT, tx -> null);
  }

  /** The events {@code GET /api/admin/audit?query} answers, after {@link #settle}. */
  public static List<JsonNode> events(TestGatehouse gh, String query) {
    settle(gh);
    TestGatehouse.Response page = gh.get("/api/admin/audit" + (query.isEmpty() ? "" : "?" + query));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    page.json().get("events").forEach(events::add);
    return events;
  }

  /** Captures standard output while open (Gatehouse looks {@code System.out} up per line). */
  static final class Stdout implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    Stdout() {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** The captured lines that are audit events. */
    List<String> auditLines() {
      return captured
          .toString(StandardCharsets.UTF_8)
          .lines()
          .filter(line -> line.startsWith("{\"log\":\"audit\""))
          .toList();
    }

    @Override
    public void close() {
      System.setOut(original);
    }
  }
}
