package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A hash keeps a core busy and never parks; run on a request's virtual thread it would hold that
 * carrier to the end. Here as many hashes as there are carriers spin until a virtual thread started
 * after them lets them go: if hashing held the carriers, that virtual thread could never run and
 * the hashes would spin forever.
 */
class HashingLeavesTheCarriersFreeTest {
  @Test
  void aVirtualThreadRunsWhileEveryCarrierWorthOfHashesIsBusy() throws Exception {
    int carriers = Runtime.getRuntime().availableProcessors();
    AtomicBoolean release = new AtomicBoolean();
    CountDownLatch spinning = new CountDownLatch(carriers);
    Argon2 argon2 =
        new StubArgon2(
            "spinning",
            (password, salt, params, length) -> {
              spinning.countDown();
              while (!release.get()) {
                Thread.onSpinWait();
              }
              return new byte[length];
            });
    Passwords passwords =
        new Passwords(
            argon2,
            new Argon2Params(1024, 1, 1),
            carriers,
            SecureRandom::new,
            new PrometheusRegistry());
    List<Thread> logins = new ArrayList<>();
    for (int i = 0; i < carriers; i++) {
      logins.add(Thread.ofVirtual().start(() -> passwords.hash("correct horse battery")));
    }
    assertThat(spinning.await(30, TimeUnit.SECONDS)).isTrue();

    Thread request = Thread.ofVirtual().start(() -> release.set(true));

    assertThat(request.join(Duration.ofSeconds(30)))
        .as("a virtual thread got a carrier while every hashing thread was busy")
        .isTrue();
    for (Thread login : logins) {
      assertThat(login.join(Duration.ofSeconds(30))).isTrue();
    }
  }
}
