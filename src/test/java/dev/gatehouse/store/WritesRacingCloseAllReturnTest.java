package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that keep writing while the store closes each get an answer: committed, or refused with
 * {@link StoreUnavailableException}. None is left waiting, and every acknowledged write is there.
 */
@Timeout(120)
class WritesRacingCloseAllReturnTest {
  @TempDir Path dir;

  @RepeatedTest(3)
  void everyWriteEitherCommitsOrIsRefused() throws Exception {
    Store store = TestStores.open(dir, new Events());
    CountDownLatch someCommitted = new CountDownLatch(64);
    List<Future<Integer>> writers = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < 32; w++) {
        int writer = w;
        writers.add(
            threads.submit(
                () -> {
                  int committed = 0;
                  try {
                    for (int u = 0; ; u++) {
                      String name = "g-" + writer + "-" + u;
                      store.writer().write(tx -> TestStores.addGroup(tx, name));
                      committed++;
                      someCommitted.countDown();
                    }
                  } catch (StoreUnavailableException refused) {
                    return committed;
                  }
                }));
      }
      someCommitted.await();
      store.close();
      int acknowledged = 0;
      for (Future<Integer> writer : writers) {
        acknowledged += writer.get(30, TimeUnit.SECONDS);
      }

      try (Store reopened = TestStores.open(dir, new Events())) {
        assertThat(TestStores.groups(reopened)).isEqualTo(acknowledged);
      }
    }
  }
}
