package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashingConcurrencyIsBoundedTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Real Bouncy Castle hashing, counting how many hashes are inside it at once. Hashes enter in
   * rounds of {@code expected}: each waits until {@code expected} are in, so a semaphore that let
   * in fewer would time out, and one that let in more would show in the peak.
   */
  private static final class Counting implements Argon2 {
    private final Argon2 real = new BouncyCastleArgon2();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final CyclicBarrier round;

    Counting(int expected) {
      this.round = new CyclicBarrier(expected);
    }

    @Override
    public byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length) {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        round.await(10, TimeUnit.SECONDS);
        return real.hash(password, salt, params, length);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("fewer hashes ran at once than max_hash_threads", e);
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public long heapBytes(Argon2Params params) {
      return real.heapBytes(params);
    }

    @Override
    public String name() {
      return "counting";
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void neverMoreThanMaxHashThreadsHashesRunAndTheWaitIsMeasured(int maxThreads) throws Exception {
    Counting argon2 = new Counting(maxThreads);
    PrometheusRegistry registry = new PrometheusRegistry();
    Passwords passwords =
        new Passwords(argon2, new Argon2Params(1024, 2, 2), maxThreads, () -> RANDOM, registry);
    int callers = 4 * maxThreads;

    List<Future<String>> hashes = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < callers; i++) {
        String password = "password-" + i;
        hashes.add(executor.submit(() -> passwords.hash(password)));
      }
    }
    for (Future<String> hash : hashes) {
      assertThat(hash.get()).startsWith("$argon2id$");
    }

    assertThat(argon2.peak.get()).isEqualTo(maxThreads);
    HistogramSnapshot.HistogramDataPointSnapshot wait = histogram(registry);
    assertThat(wait.getCount()).isEqualTo(callers);
    // callers beyond the permits had to wait for a hash to finish
    assertThat(wait.getSum()).isPositive();
  }

  private static HistogramSnapshot.HistogramDataPointSnapshot histogram(
      PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(
            s -> s.getMetadata().getPrometheusName().equals("gatehouse_hash_queue_wait_seconds"))
        .map(s -> ((HistogramSnapshot) s).getDataPoints().get(0))
        .findFirst()
        .orElseThrow();
  }
}
