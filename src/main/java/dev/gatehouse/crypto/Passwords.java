package dev.gatehouse.crypto;

import dev.gatehouse.failure.Failure;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Argon2id password hashing with a hard bound on concurrency.
 *
 * <p>Hashes run on a {@link CpuPool} of {@code maxThreads} platform threads, never on the request's
 * virtual thread (which would hold a carrier for the whole hash); further callers queue in arrival
 * order. Peak hashing memory is therefore bounded by {@code maxThreads × memoryKiB}, however many
 * logins arrive together. The time spent waiting is a metric.
 *
 * <p>The queue is bounded too ({@link HashQueue}): a check that finds it full fails at once with
 * {@link Failure.Busy}, and a check that waited past the deadline is dropped without hashing (its
 * client has most likely hung up), so a flood of guesses cannot push real logins seconds back.
 */
public final class Passwords {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2 argon2;
  private final Argon2Params params;
  private final int maxThreads;
  private final CpuPool pool;

  /**
   * A thread of its own, at the default priority, for sign-ins from browsers that signed in to the
   * account before: a flood of guesses fills {@link #pool}, and its low priority would make the
   * owner wait seconds behind the few guesses the throttles let through.
   */
  private final CpuPool knownBrowsers;

  private final Supplier<SecureRandom> random;
  private final Histogram queueWait;
  private final Histogram hashTime;
  private final HashQueue queue;
  private final LongSupplier nanos;
  private final Counter rejected;
  private volatile @Nullable String dummy;

  /** The outcome of checking a password against a stored hash. */
  public record Verification(boolean matches, boolean needsRehash) {}

  /**
   * How many hashes may wait for a thread, how long one may wait before it is dropped unhashed, and
   * the nice value of the hashing threads (0: the default CPU priority).
   */
  public record HashQueue(int maxQueued, Duration deadline, int nice) {
    /** No bound: for one-off hashing such as the command line's, where nothing queues. */
    public static final HashQueue UNBOUNDED =
        new HashQueue(Integer.MAX_VALUE, Duration.ofNanos(Long.MAX_VALUE), 0);
  }

  /** Hashing with an unbounded queue (the command line). */
  public Passwords(
      Argon2Params params,
      int maxThreads,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry) {
    this(params, maxThreads, HashQueue.UNBOUNDED, random, registry);
  }

  public Passwords(
      Argon2Params params,
      int maxThreads,
      HashQueue queue,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry) {
    this(Argon2s.best(), params, maxThreads, queue, random, registry, System::nanoTime);
  }

  Passwords(
      Argon2 argon2,
      Argon2Params params,
      int maxThreads,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry) {
    this(argon2, params, maxThreads, HashQueue.UNBOUNDED, random, registry, System::nanoTime);
  }

  /** {@code nanos}: the time source of the queue deadline, so that tests can move it. */
  Passwords(
      Argon2 argon2,
      Argon2Params params,
      int maxThreads,
      HashQueue queue,
      Supplier<SecureRandom> random,
      PrometheusRegistry registry,
      LongSupplier nanos) {
    this.argon2 = argon2;
    this.params = params;
    this.maxThreads = maxThreads;
    this.queue = queue;
    this.nanos = nanos;
    this.pool = new CpuPool("argon2", maxThreads, queue.maxQueued(), queue.nice());
    this.knownBrowsers = new CpuPool("argon2-known", 1, queue.maxQueued(), 0);
    this.random = random;
    this.rejected =
        Counter.builder()
            .name("gatehouse_hash_rejections_total")
            .help(
                "Password checks refused with 503 without hashing: the queue was full, or the"
                    + " check waited past its deadline")
            .labelNames("reason")
            .register(registry);
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
    return new PhcHash(params, salt, compute(password, salt, params, HASH_BYTES, false)).format();
  }

  /** Whether {@code text} is an Argon2id hash in PHC form that {@link #verify} can check. */
  public static boolean isHash(String text) {
    return PhcHash.parse(text).isPresent();
  }

  /**
   * Checks {@code password} against {@code stored} in constant time. {@code needsRehash} is true
   * when the stored hash used other parameters than the configured ones.
   */
  public Verification verify(String password, String stored) {
    return verify(password, stored, false);
  }

  /**
   * As {@link #verify(String, String)}; a {@code knownBrowser} check (a sign-in from a browser that
   * signed in to the account before) runs on a thread of its own at the default priority, never
   * behind the checks of strangers.
   */
  public Verification verify(String password, String stored, boolean knownBrowser) {
    Optional<PhcHash> parsed = PhcHash.parse(stored);
    if (parsed.isEmpty()) {
      return new Verification(false, false);
    }
    PhcHash phc = parsed.get();
    byte[] candidate = compute(password, phc.salt(), phc.params(), phc.hash().length, knownBrowser);
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

  /** How many checks wait for a hashing thread right now. */
  int queued() {
    return pool.queued();
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
    return (maxThreads + 1L) * argon2.heapBytes(params);
  }

  private byte[] compute(
      String password, byte[] salt, Argon2Params with, int length, boolean knownBrowser) {
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    long queued = nanos.getAsLong();
    try {
      return (knownBrowser ? knownBrowsers : pool)
          .run(
              () -> {
                long started = nanos.getAsLong();
                queueWait.observe((started - queued) / 1e9);
                if (started - queued > queue.deadline().toNanos()) {
                  rejected.labelValues("deadline").inc();
                  throw busy();
                }
                try {
                  return argon2.hash(secret, salt, with, length);
                } finally {
                  hashTime.observe((nanos.getAsLong() - started) / 1e9);
                }
              });
    } catch (RejectedExecutionException e) {
      rejected.labelValues("queue_full").inc();
      throw busy();
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static Failure.Busy busy() {
    return new Failure.Busy(
        "too many sign-ins at once; try again in a moment", Duration.ofSeconds(1));
  }
}
