package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events older than {@code [audit] retention_days} are deleted, more than one batch of them
 * included, and younger ones stay; {@code retention_days = 0} keeps everything.
 */
class ExpiredAuditEventsArePurgedInBatchesTest {
  private static final int OLD = Audit.PURGE_BATCH * 2 + 17;
  @TempDir Path dir;

  @Test
  void eventsPastRetentionGoAndYoungerOnesStay() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh =
        TestGatehouse.start(dir, Map.of("GATEHOUSE_AUDIT_RETENTION_DAYS", "30"), clock)) {
      Audit audit = gh.gatehouse().audit();
      for (int i = 0; i < OLD; i++) {
        audit.record(AuditEntry.of(AuditKind.THROTTLED, Actor.ANONYMOUS));
      }
      AuditLog.settle(gh);
      clock.advance(Duration.ofDays(29));
      audit.record(AuditEntry.of(AuditKind.LOCKED_OUT, Actor.SYSTEM));
      AuditLog.settle(gh);

      assertThat(audit.purgeExpired()).isZero();
      clock.advance(Duration.ofDays(2));
      // and the first start's signing-key event, recorded by the system at the same time
      assertThat(audit.purgeExpired()).isEqualTo(OLD + 1);

      assertThat(AuditLog.events(gh, "limit=200"))
          .extracting(e -> e.get("kind").asText())
          .containsExactly("locked_out");
    }
  }

  @Test
  void theBackgroundJobPurgesOnceTheClockPassesRetention() throws Exception {
    TestClock clock = new TestClock();
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir,
            Map.of(
                "GATEHOUSE_AUDIT_RETENTION_DAYS", "1",
                "GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "100"),
            clock)) {
      gh.gatehouse().audit().record(AuditEntry.of(AuditKind.THROTTLED, Actor.ANONYMOUS));
      assertThat(AuditLog.events(gh, "kind=throttled")).hasSize(1);

      clock.advance(Duration.ofDays(2));
      // The job runs every activity flush (100 ms here) and purges when an hour has passed.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!AuditLog.events(gh, "kind=throttled").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      assertThat(AuditLog.events(gh, "kind=throttled")).isEmpty();
    }
  }

  @Test
  void zeroRetentionKeepsEverything() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh =
        TestGatehouse.start(dir, Map.of("GATEHOUSE_AUDIT_RETENTION_DAYS", "0"), clock)) {
      Audit audit = gh.gatehouse().audit();
      audit.record(AuditEntry.of(AuditKind.THROTTLED, Actor.ANONYMOUS));
      int before = AuditLog.events(gh, "limit=200").size();
      clock.advance(Duration.ofDays(36_500));

      assertThat(audit.purgeExpired()).isZero();
      assertThat(AuditLog.events(gh, "limit=200")).hasSize(before);
    }
  }
}
