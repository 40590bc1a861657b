package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import dev.gatehouse.testing.TestBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit events are their own data class: with {@code audit_log_sync} on a timer they cost no sync
 * per batch even where identity data is synced at once, and a batch holding both is synced as the
 * stricter class asks. Set to {@code immediate}, each audit batch is synced before it returns.
 */
@Tag(TestBackend.SQLITE_ONLY)
class AuditWritesAreSyncedAsAuditLogSyncAsksTest {
  @TempDir Path dir;

  @Test
  void auditOnATimerIsNotSyncedPerBatchButAnIdentityWriteCoversIt() {
    try (Store store =
        TestStores.open(
            dir,
            new Events(),
            Map.of(
                "GATEHOUSE_STORAGE_LOG_SYNC", "immediate",
                "GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC", "interval_600000",
                "GATEHOUSE_STORAGE_AUDIT_LOG_SYNC", "interval_600000"))) {
      store.writer().write(tx -> TestStores.addGroup(tx, "first"));
      long syncs = store.metrics().syncs();

      List<CompletableFuture<?>> queued = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String name = "audit-" + i;
        queued.add(store.writer().submit(DataClass.AUDIT, tx -> TestStores.addGroup(tx, name)));
      }
      queued.forEach(CompletableFuture::join);
      store.writer().write(DataClass.AUDIT, tx -> TestStores.addGroup(tx, "waited"));
      assertThat(store.metrics().syncs()).isEqualTo(syncs);

      store.writer().write(tx -> TestStores.addGroup(tx, "identity"));
      assertThat(store.metrics().syncs()).isEqualTo(syncs + 1);
      assertThat(TestStores.groups(store)).isEqualTo(53);
    }
  }

  @Test
  void auditImmediateIsSyncedBeforeTheWriteReturns() {
    try (Store store =
        TestStores.open(
            dir,
            new Events(),
            Map.of(
                "GATEHOUSE_STORAGE_LOG_SYNC", "interval_600000",
                "GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC", "interval_600000",
                "GATEHOUSE_STORAGE_AUDIT_LOG_SYNC", "immediate"))) {
      store.writer().write(tx -> TestStores.addGroup(tx, "identity"));
      long syncs = store.metrics().syncs();

      store.writer().write(DataClass.AUDIT, tx -> TestStores.addGroup(tx, "audit"));

      assertThat(store.metrics().syncs()).isEqualTo(syncs + 1);
    }
  }
}
