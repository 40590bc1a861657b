package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The hash pool's two scheduling promises: strangers' checks run at the configured nice value, so
 * request handling gets the cores first; and a check from a known browser runs on a thread of its
 * own at the default priority, so a flood of guesses filling the pool does not delay the owner.
 */
class KnownBrowserChecksNeverQueueBehindStrangersTest {

  @Test
  void aKnownBrowsersCheckCompletesWhileStrangersChecksHoldThePool() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch guessing = new CountDownLatch(1);
    Argon2 stub =
        new StubArgon2(
            "held for guesses",
            (password, salt, params, length) -> {
              if (new String(password, StandardCharsets.UTF_8).startsWith("guess")) {
                guessing.countDown();
                await(release);
              }
              return new byte[length];
            });
    Passwords passwords =
        new Passwords(
            stub,
            new Argon2Params(1024, 1, 1),
            1,
            new Passwords.HashQueue(16, java.time.Duration.ofMinutes(1), 10),
            SecureRandom::new,
            new PrometheusRegistry(),
            System::nanoTime);
    String stored = passwords.hash("owner-password");
    CompletableFuture<?> first =
        CompletableFuture.runAsync(
            () -> passwords.verify("guess-1", stored), Thread::startVirtualThread);
    assertThat(guessing.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<?> second =
        CompletableFuture.runAsync(
            () -> passwords.verify("guess-2", stored), Thread::startVirtualThread);

    CompletableFuture<Passwords.Verification> owner =
        CompletableFuture.supplyAsync(
            () -> passwords.verify("owner-password", stored, true), Thread::startVirtualThread);
    assertThat(owner.get(10, TimeUnit.SECONDS).matches()).isTrue();
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    release.countDown();
    CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
  }

  @Test
  void poolThreadsRunAtTheConfiguredNiceValue() {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
    CpuPool niced = new CpuPool("niced", 1, 16, 10);
    CpuPool plain = new CpuPool("plain", 1, 16, 0);
    assertThat(niced.run(KnownBrowserChecksNeverQueueBehindStrangersTest::niceOfThisThread))
        .isEqualTo(10);
    assertThat(plain.run(KnownBrowserChecksNeverQueueBehindStrangersTest::niceOfThisThread))
        .isEqualTo(niceOfThisThread());
  }

  /** Field 19 of /proc/thread-self/stat, counted after the command name's closing parenthesis. */
  private static int niceOfThisThread() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[16]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
