package dev.gatehouse.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps the writer thread busy inside one unit until {@link #release()}, so that every unit
 * submitted meanwhile is queued and then taken as one batch.
 */
final class HeldWriter {
  private final Writer writer;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final CompletableFuture<Void> holder;

  HeldWriter(Writer writer) throws InterruptedException {
    this.writer = writer;
    this.holder =
        submitAsync(
            tx -> {
              running.countDown();
              await(released);
              return null;
            });
    running.await();
  }

  /** Submits {@code unit} from a thread of its own and returns once it waits in the queue. */
  <T> CompletableFuture<T> submit(Unit<T> unit) throws InterruptedException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    result.complete(writer.write(unit));
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    // A caller parks only once its unit is queued; this one is the only one submitting now.
    while (caller.getState() != Thread.State.WAITING && !result.isDone()) {
      Thread.sleep(Duration.ofMillis(1));
    }
    return result;
  }

  void release() {
    released.countDown();
    holder.join();
  }

  private <T> CompletableFuture<T> submitAsync(Unit<T> unit) {
    return CompletableFuture.supplyAsync(
        () -> writer.write(unit), runnable -> Thread.ofVirtual().start(runnable));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
