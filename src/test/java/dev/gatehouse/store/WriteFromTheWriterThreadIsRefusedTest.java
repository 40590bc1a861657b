package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write from an event handler would wait for its own thread forever; it is refused. (From a unit
 * it joins that unit: NestedWritesJoinTheRunningUnitTest.)
 */
@Timeout(60)
class WriteFromTheWriterThreadIsRefusedTest {
  @TempDir Path dir;

  @Test
  void writeFromAnEventHandlerFailsWithoutBlockingTheWriter() {
    Events events = new Events();
    AtomicReference<Store> store = new AtomicReference<>();
    List<Throwable> refused = new CopyOnWriteArrayList<>();
    events.subscribe(
        TestStores.GroupAdded.class,
        e -> {
          try {
            store.get().writer().write(tx -> TestStores.addGroup(tx, e.name() + "-echo"));
          } catch (IllegalStateException expected) {
            refused.add(expected);
          }
        });
    try (Store opened = TestStores.open(dir, events)) {
      store.set(opened);

      opened.writer().write(tx -> TestStores.addGroup(tx, "a"));

      assertThat(refused).hasSize(1);
      assertThat(TestStores.groups(opened)).isEqualTo(1);
    }
  }
}
