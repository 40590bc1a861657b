package dev.gatehouse.crypto;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Argon2id password hashing with a hard bound on concurrency.
 *
 * <p>Hashes run on a {@link CpuPool} of {@code maxThreads} platform threads, never on the request's
 * virtual thread (which would hold a carrier for the whole hash); further callers queue in arrival
 * order. Peak hashing memory is therefore bounded by {@code maxThreads × memoryKiB}, however many
 * logins arrive together. The time spent waiting is a metric.
 */
public final class Passwords {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2 argon2;
  private final Argon2Params params;
  private final int maxThreads;
  private final CpuPool pool;
  private final Supplier<SecureRandom> random;
  private final Histogram queueWait;
  private final Histogram hashTime;
  private volatile @Nullable String dummy;

  /** The outcome of checking a password against a stored hash. */
  public record Verification(boolean matches, boolean needsRehash) {}

  public Passwords(
      Argon2Params params,
      int maxThreads,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry) {
    this(Argon2s.best(), params, maxThreads, random, registry);
  }

  Passwords(
      Argon2 argon2,
      Argon2Params params,
      int maxThreads,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry) {
    this.argon2 = argon2;
    this.params = params;
    this.maxThreads = maxThreads;
    this.pool = new CpuPool("argon2", maxThreads);
    this.random = random;
    this.queueWait =
        Histogram.builder()
            .name("gatehouse_hash_queue_wait_seconds")
            .help("Time a password hash waited for a hashing slot")
            .classicOnly()
            .classicUpperBounds(0.001, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10)
            .register(registry);
    this.hashTime =
        Histogram.builder()
            .name("gatehouse_hash_seconds")
            .help("Time to compute one Argon2id hash")
            .classicOnly()
            .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5)
            .register(registry);
  }

  /** Hashes {@code password} with the configured parameters and a fresh salt; a PHC string. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.get().nextBytes(salt);
    return new PhcHash(params, salt, compute(password, salt, params, HASH_BYTES)).format();
  }

  /**
   * Checks {@code password} against {@code stored} in constant time. {@code needsRehash} is true
   * when the stored hash used other parameters than the configured ones.
   */
  public Verification verify(String password, String stored) {
    Optional<PhcHash> parsed = PhcHash.parse(stored);
    if (parsed.isEmpty()) {
      return new Verification(false, false);
    }
    PhcHash phc = parsed.get();
    byte[] candidate = compute(password, phc.salt(), phc.params(), phc.hash().length);
    boolean matches = MessageDigest.isEqual(candidate, phc.hash());
    return new Verification(matches, matches && !phc.params().equals(params));
  }

  /**
   * A hash of a random password at the current parameters, computed once; verifying against it
   * costs what a real check costs, so unknown usernames take as long as wrong passwords.
   */
  public String dummyHash() {
    String hash = dummy;
    if (hash == null) {
      byte[] bytes = new byte[24];
      random.get().nextBytes(bytes);
      hash = hash(java.util.HexFormat.of().formatHex(bytes));
      dummy = hash;
    }
    return hash;
  }

  /** Which implementation runs: {@code native} (libargon2) or {@code bouncycastle}. */
  public String implementation() {
    return argon2.name();
  }

  /**
   * Java heap that hashing can hold at once: {@code maxThreads} hashes at the configured cost with
   * Bouncy Castle, next to nothing with libargon2, whose memory is off the heap.
   */
  public long peakHeapBytes() {
    return maxThreads * argon2.heapBytes(params);
  }

  private byte[] compute(String password, byte[] salt, Argon2Params with, int length) {
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    long queued = System.nanoTime();
    try {
      return pool.run(
          () -> {
            long started = System.nanoTime();
            queueWait.observe((started - queued) / 1e9);
            try {
              return argon2.hash(secret, salt, with, length);
            } finally {
              hashTime.observe((System.nanoTime() - started) / 1e9);
            }
          });
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
