package dev.gatehouse.throttle;

import dev.gatehouse.config.Config;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Makes the throttles of {@code [throttle]}, each counted under its kind in {@code
 * gatehouse_throttled_attempts_total} (attempts refused) and {@code
 * gatehouse_throttle_lockouts_total} (failures that started or lengthened a wait).
 */
public final class Throttles {
  /** Hears every lock-out: a failure that made its key wait (the audit log, in production). */
  public interface LockOuts {
    void lockedOut(String kind, String key, Duration wait);
  }

  private final Config.Throttle config;
  private final LockOuts lockOuts;
  private final InstantSource clock;
  private final Counter throttled;
  private final Counter lockouts;

  public Throttles(
      Config.Throttle config, InstantSource clock, PrometheusRegistry registry, LockOuts lockOuts) {
    this.config = config;
    this.lockOuts = lockOuts;
    this.clock = clock;
    this.throttled =
        Counter.builder()
            .name("gatehouse_throttled_attempts_total")
            .help("Attempts refused with 429 before any check, by kind")
            .labelNames("kind")
            .register(registry);
    this.lockouts =
        Counter.builder()
            .name("gatehouse_throttle_lockouts_total")
            .help("Failed attempts that made their key wait, by kind")
            .labelNames("kind")
            .register(registry);
  }

  /** A throttle of guesses keyed by client address: {@code address_free_failures} free. */
  public Throttle perAddress(String kind) {
    return create(kind, config.addressFreeFailures());
  }

  /** A throttle of guesses keyed by account: {@code account_free_failures} free. */
  public Throttle perAccount(String kind) {
    return create(kind, config.accountFreeFailures());
  }

  /** Counts an attempt of {@code kind} refused by a limit that is not a {@link Throttle}. */
  public void refused(String kind) {
    throttled.labelValues(kind).inc();
  }

  private Throttle create(String kind, int free) {
    return new Throttle(
        new Throttle.Limits(
            free,
            Duration.ofMillis(config.baseDelayMs()),
            Duration.ofSeconds(config.maxDelaySeconds()),
            Duration.ofSeconds(config.windowSeconds()),
            config.maxTrackedKeys()),
        clock,
        throttled.labelValues(kind),
        lockouts.labelValues(kind),
        (key, wait) -> lockOuts.lockedOut(kind, key, wait));
  }
}
