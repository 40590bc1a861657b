package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.failure.Failure;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One hashing thread, one place in the queue: a third check is refused at once, and a queued check
 * whose wait passed the deadline is dropped without hashing.
 */
class FullHashQueueAnswersBusyAtOnceTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch hashing = new CountDownLatch(1);
  private final AtomicInteger hashes = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();

  private Passwords passwords(Duration deadline) {
    Argon2 held =
        new StubArgon2(
            "held",
            (password, salt, params, length) -> {
              hashes.incrementAndGet();
              hashing.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new byte[length];
            });
    return new Passwords(
        held,
        new Argon2Params(1024, 1, 1),
        1,
        new Passwords.HashQueue(1, deadline, 0),
        SecureRandom::new,
        new PrometheusRegistry(),
        nanos::get);
  }

  private static void awaitQueued(Passwords passwords) throws InterruptedException {
    for (int i = 0; i < 10_000 && passwords.queued() == 0; i++) {
      Thread.sleep(1);
    }
    assertThat(passwords.queued()).isEqualTo(1);
  }

  @Test
  void aCheckBeyondTheQueueIsRefusedAtOnce() throws Exception {
    Passwords passwords = passwords(Duration.ofMinutes(1));
    CompletableFuture<String> running =
        CompletableFuture.supplyAsync(() -> passwords.hash("first"), Thread::startVirtualThread);
    assertThat(hashing.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> queued =
        CompletableFuture.supplyAsync(() -> passwords.hash("second"), Thread::startVirtualThread);
    awaitQueued(passwords);

    long before = System.nanoTime();
    assertThatThrownBy(() -> passwords.hash("third"))
        .isInstanceOfSatisfying(
            Failure.Busy.class, busy -> assertThat(busy.retryAfter()).isPositive());
    assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(1));
    release.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS)).startsWith("$argon2id$");
    assertThat(queued.get(10, TimeUnit.SECONDS)).startsWith("$argon2id$");
  }

  @Test
  void aCheckThatWaitedPastTheDeadlineIsDroppedWithoutHashing() throws Exception {
    Passwords passwords = passwords(Duration.ofSeconds(5));
    CompletableFuture<String> running =
        CompletableFuture.supplyAsync(() -> passwords.hash("first"), Thread::startVirtualThread);
    assertThat(hashing.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> stale =
        CompletableFuture.supplyAsync(() -> passwords.hash("second"), Thread::startVirtualThread);
    // The first hash takes "six seconds" while the second waits in the queue.
    awaitQueued(passwords);
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    release.countDown();

    assertThat(running.get(10, TimeUnit.SECONDS)).startsWith("$argon2id$");
    assertThatThrownBy(() -> stale.join()).hasCauseInstanceOf(Failure.Busy.class);
    assertThat(hashes.get()).as("the stale check never hashed").isEqualTo(1);
  }
}
