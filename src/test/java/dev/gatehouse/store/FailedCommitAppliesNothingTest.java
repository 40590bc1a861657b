package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.event.Events;
import dev.gatehouse.testing.TestBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the COMMIT itself fails, every unit of the batch fails and none is applied. A deferred
 * foreign key is checked only at COMMIT, which makes the commit fail on demand.
 */
@Tag(TestBackend.SQLITE_ONLY)
@Timeout(60)
class FailedCommitAppliesNothingTest {
  @TempDir Path dir;

  @Test
  void everyUnitOfTheBatchFailsAndNoRowNorEventRemains() throws Exception {
    Events events = new Events();
    List<String> published = new CopyOnWriteArrayList<>();
    events.subscribe(TestStores.GroupAdded.class, e -> published.add(e.name()));
    try (Store store = TestStores.open(dir, events)) {
      HeldWriter held = new HeldWriter(store.writer());
      CompletableFuture<String> innocent = held.submit(tx -> TestStores.addGroup(tx, "innocent"));
      CompletableFuture<String> dangling =
          held.submit(
              tx -> {
                tx.update("PRAGMA defer_foreign_keys = ON");
                tx.update(
                    "INSERT INTO memberships (group_name, user_id) VALUES (?, ?)",
                    "no-such-group",
                    "no-such-user");
                return TestStores.addGroup(tx, "dangling");
              });
      held.release();

      assertThatThrownBy(innocent::get)
          .cause()
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("FOREIGN KEY");
      assertThatThrownBy(dangling::get).cause().isInstanceOf(StoreException.class);
      assertThat(TestStores.groups(store)).isZero();
      long memberships = store.reads().read(q -> q.count("SELECT COUNT(*) FROM memberships"));
      assertThat(memberships).isZero();
      assertThat(published).isEmpty();

      store.writer().write(tx -> TestStores.addGroup(tx, "after"));
      assertThat(published).containsExactly("after");
    }
  }
}
