package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/admin/audit}: every filter narrows as documented, bad parameters are a 400 naming
 * the parameter, and paging by cursor visits every event exactly once even while new events are
 * recorded between pages.
 */
class AuditQueryFiltersAndPagesByCursorTest {
  /** More than the largest page, so that paging is needed. */
  private static final int EXISTING = 230;

  @TempDir Path dir;

  @Test
  void pagingFindsEveryEventOnceWhileEventsKeepArriving() throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Audit audit = gh.gatehouse().audit();
      for (int i = 0; i < EXISTING; i++) {
        audit.record(AuditEntry.of(AuditKind.THROTTLED, Actor.ANONYMOUS).reason("before " + i));
      }
      long highest = AuditLog.events(gh, "limit=1").get(0).get("id").asLong();

      AtomicBoolean stop = new AtomicBoolean();
      List<Long> seen = new ArrayList<>();
      try (ExecutorService writer = Executors.newSingleThreadExecutor()) {
        Future<?> arriving =
            writer.submit(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    audit.record(
                        AuditEntry.of(AuditKind.THROTTLED, Actor.ANONYMOUS).reason("during " + i));
                    AuditLog.settle(gh);
                  }
                });
        String cursor = null;
        int pages = 0;
        do {
          TestGatehouse.Response page =
              gh.get(
                  "/api/admin/audit?kind=throttled&limit=50"
                      + (cursor == null ? "" : "&cursor=" + cursor));
          assertThat(page.status()).as(page.body()).isEqualTo(200);
          page.json().get("events").forEach(e -> seen.add(e.get("id").asLong()));
          JsonNode next = page.json().get("next_cursor");
          cursor = next.isNull() ? null : next.asText();
          pages++;
        } while (cursor != null && pages < 100);
        stop.set(true);
        arriving.get();
      }

      assertThat(seen).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(seen.stream().filter(id -> id <= highest)).hasSize(EXISTING);
    }
  }

  @Test
  void filtersNarrowByTimeUserKindAndActor() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock)) {
      Audit audit = gh.gatehouse().audit();
      Instant early = clock.instant();
      audit.record(AuditEntry.of(AuditKind.SIGN_IN_FAILED, Actor.ANONYMOUS).subject(null, "ivan"));
      AuditLog.settle(gh);
      clock.advance(Duration.ofHours(1));
      Instant middle = clock.instant();
      audit.record(
          AuditEntry.of(AuditKind.SIGN_IN, Actor.user("u-judy", "judy")).subject("u-judy", "judy"));
      audit.record(AuditEntry.of(AuditKind.LOCKED_OUT, Actor.SYSTEM).subject(null, "ivan"));
      AuditLog.settle(gh);

      assertThat(reasonsOf(AuditLog.events(gh, "user=IVAN")))
          .containsExactly("locked_out", "sign_in_failed");
      assertThat(reasonsOf(AuditLog.events(gh, "user=u-judy"))).containsExactly("sign_in");
      assertThat(reasonsOf(AuditLog.events(gh, "kind=sign_in,locked_out")))
          .containsExactly("locked_out", "sign_in");
      assertThat(reasonsOf(AuditLog.events(gh, "kind=sign_in&kind=sign_in_failed")))
          .containsExactly("sign_in", "sign_in_failed");
      assertThat(reasonsOf(AuditLog.events(gh, "actor=system"))).contains("locked_out");
      assertThat(reasonsOf(AuditLog.events(gh, "actor=judy"))).containsExactly("sign_in");
      assertThat(reasonsOf(AuditLog.events(gh, "since=" + middle + "&kind=sign_in_failed")))
          .isEmpty();
      assertThat(
              reasonsOf(
                  AuditLog.events(
                      gh, "since=" + early + "&until=" + middle + "&kind=sign_in_failed")))
          .containsExactly("sign_in_failed");
      assertThat(
              reasonsOf(
                  AuditLog.events(
                      gh,
                      "since="
                          + middle
                              .atOffset(java.time.ZoneOffset.ofHours(2))
                              .toString()
                              .replace("+", "%2B")
                          + "&kind=locked_out")))
          .containsExactly("locked_out");
    }
  }

  @Test
  void badParametersAreA400NamingTheParameter() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Map<String, String> bad =
          Map.of(
              "limit=0", "limit",
              "limit=201", "limit",
              "limit=ten", "limit",
              "kind=sign_in,nonsense", "kind",
              "since=yesterday", "since",
              "until=2026-13-01T00:00:00Z", "until",
              "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until",
              "cursor=not-a-cursor", "cursor");
      bad.forEach(
          (query, field) -> {
            TestGatehouse.Response answer = gh.get("/api/admin/audit?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.json().get("field").asText()).as(query).isEqualTo(field);
          });
      assertThat(gh.send("GET", "/api/admin/audit", null, null).status()).isEqualTo(401);
    }
  }

  private static List<String> reasonsOf(List<JsonNode> events) {
    return events.stream().map(e -> e.get("kind").asText()).toList();
  }
}
