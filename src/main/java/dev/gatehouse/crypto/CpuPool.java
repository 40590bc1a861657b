package dev.gatehouse.crypto;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A few platform threads, fed in arrival order, for work that keeps a core busy for a millisecond
 * or more: Argon2id hashes and JWT signatures.
 *
 * <p>Virtual threads are not time-sliced: such work run on one holds its carrier until it is done.
 * With as many carriers as cores, two logins hashing froze every other request, forward-auth
 * included, for the whole hash; and under a burst of signatures the scheduler served some requests
 * in 4 ms while others waited over a second (bench/oidc, client_credentials at 16 connections).
 * Here the kernel shares the cores, the queue is first come first served, and the caller's virtual
 * thread parks, which frees its carrier for the cheap requests.
 */
public final class CpuPool {
  private final ThreadPoolExecutor executor;

  /** {@code threads} platform threads named {@code name-N}; idle ones exit after 30 s. */
  public CpuPool(String name, int threads) {
    this(name, threads, Integer.MAX_VALUE, 0);
  }

  /**
   * As {@link #CpuPool(String, int)}, with at most {@code maxQueued} tasks waiting for a thread
   * ({@link #run} refuses further work with a {@link RejectedExecutionException}, at once), and
   * threads at nice value {@code nice} (0: the default priority), so that request handling gets the
   * cores first when both want them.
   */
  public CpuPool(String name, int threads, int maxQueued, int nice) {
    AtomicInteger count = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(maxQueued),
            task -> {
              Runnable niced =
                  () -> {
                    ThreadNice.apply(nice);
                    task.run();
                  };
              Thread thread = new Thread(niced, name + "-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    // Idle between logins is the normal state: no threads held for nothing.
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code work} on the pool and waits for it, uninterruptibly: a hash or a signature takes
   * milliseconds and its result is what the caller needs. Exceptions of {@code work} are rethrown
   * as they are.
   *
   * @throws RejectedExecutionException when {@code maxQueued} tasks are waiting already
   */
  public <T> T run(Supplier<T> work) {
    Future<T> future = executor.submit(work::get);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Tasks waiting for a thread. */
  public int queued() {
    return executor.getQueue().size();
  }
}
