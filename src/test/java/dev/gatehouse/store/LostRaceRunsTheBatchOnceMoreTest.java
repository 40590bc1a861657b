package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch that loses a race with another transaction (PostgreSQL's serialization failure or
 * deadlock, here thrown by the unit as the driver would) runs once more, whole, and its caller gets
 * the second run's result and events only; losing twice fails it, classified as retryable.
 */
@Timeout(60)
class LostRaceRunsTheBatchOnceMoreTest {
  @TempDir Path dir;

  private static StoreException serializationFailure() {
    return StoreException.of(new SQLException("could not serialize access", "40001"));
  }

  @Test
  void aBatchThatLosesOnceCommitsOnItsSecondRun() {
    Events events = new Events();
    List<String> published = new CopyOnWriteArrayList<>();
    events.subscribe(TestStores.GroupAdded.class, e -> published.add(e.name()));
    AtomicInteger runs = new AtomicInteger();
    try (Store store = TestStores.open(dir, events)) {
      String added =
          store
              .writer()
              .write(
                  tx -> {
                    TestStores.addGroup(tx, "staff");
                    if (runs.incrementAndGet() == 1) {
                      throw serializationFailure();
                    }
                    return "staff";
                  });

      assertThat(added).isEqualTo("staff");
      assertThat(runs).hasValue(2);
      assertThat(TestStores.groups(store)).isEqualTo(1);
      assertThat(published).containsExactly("staff");
    }
  }

  @Test
  void aBatchThatLosesTwiceFailsAsRetryable() {
    AtomicInteger runs = new AtomicInteger();
    try (Store store = TestStores.open(dir, new Events())) {
      StoreException lost =
          catchThrowableOfType(
              StoreException.class,
              () ->
                  store
                      .writer()
                      .write(
                          tx -> {
                            runs.incrementAndGet();
                            TestStores.addGroup(tx, "staff");
                            throw serializationFailure();
                          }));

      assertThat(lost.isRetryable()).isTrue();
      assertThat(runs).hasValue(2);
      assertThat(TestStores.groups(store)).isZero();
    }
  }
}
