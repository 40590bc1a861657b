package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit that throws is rolled back to its own savepoint: its caller gets its exception, its events
 * are dropped, and the other units of the same batch commit.
 */
@Timeout(60)
class FailingUnitFailsAloneTest {
  @TempDir Path dir;

  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super("refused by the unit");
    }
  }

  @Test
  void throwingUnitsFailAloneWhileTheRestOfTheirBatchCommits() throws Exception {
    Events events = new Events();
    List<String> published = new CopyOnWriteArrayList<>();
    events.subscribe(TestStores.GroupAdded.class, e -> published.add(e.name()));
    try (Store store = TestStores.open(dir, events)) {
      store.writer().write(tx -> TestStores.addGroup(tx, "taken"));
      long transactionsBefore = store.metrics().transactions();

      HeldWriter held = new HeldWriter(store.writer());
      CompletableFuture<String> first = held.submit(tx -> TestStores.addGroup(tx, "first"));
      CompletableFuture<String> thrower =
          held.submit(
              tx -> {
                TestStores.addGroup(tx, "thrower");
                throw new Refused();
              });
      CompletableFuture<String> duplicate = held.submit(tx -> TestStores.addGroup(tx, "taken"));
      CompletableFuture<String> error =
          held.submit(
              tx -> {
                TestStores.addGroup(tx, "asserted");
                throw new AssertionError("a bug in one unit");
              });
      CompletableFuture<String> last = held.submit(tx -> TestStores.addGroup(tx, "last"));
      held.release();

      assertThat(first.get()).isEqualTo("first");
      assertThat(last.get()).isEqualTo("last");
      assertThatThrownBy(thrower::get).cause().isInstanceOf(Refused.class);
      assertThatThrownBy(duplicate::get)
          .cause()
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
      assertThatThrownBy(error::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(AssertionError.class);

      assertThat(store.metrics().transactions()).isEqualTo(transactionsBefore + 2);
      assertThat(store.metrics().largestBatch()).isEqualTo(5);
      List<String> committed = TestStores.groupsInWriteOrder(store);
      assertThat(committed).containsExactly("taken", "first", "last");
      assertThat(published).containsExactly("taken", "first", "last");

      store.writer().write(tx -> TestStores.addGroup(tx, "after"));
      assertThat(published).endsWith("after");
    }
  }
}
