import dev.gatehouse.crypto.Argon2Params;
import dev.gatehouse.crypto.Passwords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes through {@link Passwords} (the semaphore included) with twice as many callers as permits,
 * for a warm-up and then a measured window, and prints one line: implementation, parameters,
 * threads, hashes/s, peak RSS. Run by run.sh, one JVM per line, the implementation chosen with
 * -Dgatehouse.argon2.
 *
 * <p>Usage: HashBench m_KiB t p max_hash_threads warmup_s measure_s
 */
public final class HashBench {
  public static void main(String[] args) throws Exception {
    Argon2Params params =
        new Argon2Params(
            Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    int threads = Integer.parseInt(args[3]);
    long warmupNanos = Long.parseLong(args[4]) * 1_000_000_000L;
    long measureNanos = Long.parseLong(args[5]) * 1_000_000_000L;
    SecureRandom random = new SecureRandom();
    Passwords passwords = new Passwords(params, threads, () -> random, new PrometheusRegistry());

    long start = System.nanoTime();
    long from = start + warmupNanos;
    long to = from + measureNanos;
    AtomicLong counted = new AtomicLong();
    for (int i = 0; i < 2 * threads; i++) {
      String password = "bench-password-" + i;
      // virtual threads, as request handlers are; the semaphore queues the extra callers
      Thread.ofVirtual()
          .start(
              () -> {
                while (true) {
                  passwords.hash(password);
                  long done = System.nanoTime();
                  if (done >= from && done < to) {
                    counted.incrementAndGet();
                  }
                }
              });
    }
    Thread.sleep((to - System.nanoTime()) / 1_000_000);
    double perSecond = counted.get() / (measureNanos / 1e9);
    System.out.printf(
        "%-12s m=%d,t=%d,p=%d  %d  %.1f  %d  %d%n",
        passwords.implementation(),
        params.memoryKiB(),
        params.iterations(),
        params.parallelism(),
        threads,
        perSecond,
        counted.get(),
        status("VmHWM:") >> 10);
    System.exit(0);
  }

  /** A /proc/self/status value in KiB. */
  private static long status(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).strip().split("\\s+")[0]);
      }
    }
    throw new IOException(key + " not in /proc/self/status");
  }
}
