package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EventsArePublishedInCommitOrderBeforeWriteReturnsTest {
  @TempDir Path dir;

  @Test
  void subscribersHaveSeenAWriteWhenItReturnsAndSeeWritesInCommitOrder() throws Exception {
    Events events = new Events();
    List<String> published = new CopyOnWriteArrayList<>();
    events.subscribe(TestStores.GroupAdded.class, e -> published.add(e.name()));
    try (Store store = TestStores.open(dir, events)) {
      List<Future<Boolean>> seenOnReturn = new ArrayList<>();
      try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 32; w++) {
          int writer = w;
          seenOnReturn.add(
              threads.submit(
                  () -> {
                    boolean allSeen = true;
                    for (int u = 0; u < 10; u++) {
                      String name = "g-" + writer + "-" + u;
                      store.writer().write(tx -> TestStores.addGroup(tx, name));
                      allSeen &= published.contains(name);
                    }
                    return allSeen;
                  }));
        }
        for (Future<Boolean> seen : seenOnReturn) {
          assertThat(seen.get()).isTrue();
        }
      }

      // One connection runs the units one after another, so their order is commit order.
      List<String> committed = TestStores.groupsInWriteOrder(store);
      assertThat(committed).hasSize(320);
      assertThat(published).isEqualTo(committed);
    }
  }
}
