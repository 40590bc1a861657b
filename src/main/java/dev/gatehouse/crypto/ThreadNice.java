package dev.gatehouse.crypto;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Lowers the CPU priority of the calling thread, so that hashing yields the cores to request
 * handling when both want them. On Linux the nice value belongs to a thread, {@code
 * setpriority(PRIO_PROCESS, 0, n)} applies to the caller alone, and the threads libargon2 starts
 * for its lanes inherit it. Lowering needs no privilege. Where the call is unavailable (not Linux,
 * native access off), threads keep the default priority and this says so once.
 */
final class ThreadNice {
  private static final Logger LOG = Logger.getLogger(ThreadNice.class.getName());
  private static final int PRIO_PROCESS = 0;
  private static final Optional<MethodHandle> SETPRIORITY = bind();

  private ThreadNice() {}

  /** Sets the calling thread's nice value to {@code nice} (0 leaves it as it is). */
  static void apply(int nice) {
    if (nice == 0 || SETPRIORITY.isEmpty()) {
      return;
    }
    try {
      int result = (int) SETPRIORITY.get().invokeExact(PRIO_PROCESS, 0, nice);
      if (result != 0) {
        LOG.fine(() -> "setpriority(" + nice + ") failed; hashing keeps the default priority");
      }
    } catch (Throwable e) {
      LOG.fine(() -> "setpriority failed: " + e);
    }
  }

  private static Optional<MethodHandle> bind() {
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return Optional.empty();
    }
    try {
      Linker linker = Linker.nativeLinker();
      // int setpriority(int which, id_t who, int prio)
      return linker
          .defaultLookup()
          .find("setpriority")
          .map(
              address ->
                  linker.downcallHandle(
                      address, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)));
    } catch (RuntimeException e) {
      LOG.info(() -> "hashing threads keep the default CPU priority: " + e.getMessage());
      return Optional.empty();
    }
  }
}
