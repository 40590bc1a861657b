package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ConcurrentWritersShareCommitsTest {
  private static final int WRITERS = 64;
  private static final int UNITS_EACH = 25;

  @TempDir Path dir;

  @Test
  void everyUnitOfManyConcurrentWritersCommitsAndBatchesFormUnderLoad() throws Exception {
    try (Store store = TestStores.open(dir, new Events())) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> writers = new ArrayList<>();
      try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(
              threads.submit(
                  () -> {
                    start.await();
                    for (int u = 0; u < UNITS_EACH; u++) {
                      String name = "g-" + writer + "-" + u;
                      store.writer().write(tx -> TestStores.addGroup(tx, name));
                    }
                    return UNITS_EACH;
                  }));
        }
        start.countDown();
        for (Future<Integer> writer : writers) {
          assertThat(writer.get()).isEqualTo(UNITS_EACH);
        }
      }

      long units = WRITERS * UNITS_EACH;
      assertThat(TestStores.groups(store)).isEqualTo(units);
      assertThat(store.metrics().committedUnits()).isEqualTo(units);
      assertThat(store.metrics().largestBatch()).isGreaterThan(1);
      assertThat(store.metrics().transactions()).isLessThan(units);
    }
  }
}
