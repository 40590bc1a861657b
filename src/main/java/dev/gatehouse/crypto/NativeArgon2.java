package dev.gatehouse.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * Argon2id from the system's libargon2 (Debian: {@code libargon2-1}), called through the FFM API.
 *
 * <p>libargon2 mallocs its {@code m_cost} KiB off the Java heap and frees it after each hash, so
 * the heap can stay small whatever the cost parameters. It runs the {@code p} lanes on up to {@code
 * p} threads of its own.
 */
final class NativeArgon2 implements Argon2 {
  private static final String LIBRARY = "libargon2.so.1";

  // dlopen finds the library through the loader cache; the paths cover systems where it is not
  // there (a container without ldconfig, a library installed by hand).
  private static final List<String> PATHS =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libargon2.so.1",
          "/usr/lib/aarch64-linux-gnu/libargon2.so.1",
          "/usr/lib64/libargon2.so.1",
          "/usr/lib/libargon2.so.1",
          "/usr/local/lib/libargon2.so.1");

  private static final int ARGON2_OK = 0;

  private final MethodHandle hashRaw;
  private final MethodHandle errorMessage;

  private NativeArgon2(MethodHandle hashRaw, MethodHandle errorMessage) {
    this.hashRaw = hashRaw;
    this.errorMessage = errorMessage;
  }

  /** Binds the library; throws, saying why, when it cannot be found or lacks the functions. */
  static NativeArgon2 load() {
    SymbolLookup library = open();
    Linker linker = Linker.nativeLinker();
    // int argon2id_hash_raw(uint32_t t_cost, uint32_t m_cost, uint32_t parallelism,
    //     const void *pwd, size_t pwdlen, const void *salt, size_t saltlen,
    //     void *hash, size_t hashlen)
    MethodHandle hashRaw =
        linker.downcallHandle(
            library.findOrThrow("argon2id_hash_raw"),
            FunctionDescriptor.of(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG));
    // const char *argon2_error_message(int error_code)
    MethodHandle errorMessage =
        linker.downcallHandle(
            library.findOrThrow("argon2_error_message"),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(JAVA_BYTE), JAVA_INT));
    return new NativeArgon2(hashRaw, errorMessage);
  }

  private static SymbolLookup open() {
    try {
      return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
    } catch (IllegalArgumentException notInLoaderPath) {
      for (String path : PATHS) {
        Optional<SymbolLookup> found = tryOpen(path);
        if (found.isPresent()) {
          return found.get();
        }
      }
      throw new IllegalStateException(
          LIBRARY + " not found (looked in the loader path and " + PATHS + ")", notInLoaderPath);
    }
  }

  private static Optional<SymbolLookup> tryOpen(String path) {
    try {
      return Optional.of(SymbolLookup.libraryLookup(java.nio.file.Path.of(path), Arena.global()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pwd = arena.allocate(Math.max(1, password.length));
      MemorySegment.copy(password, 0, pwd, JAVA_BYTE, 0, password.length);
      MemorySegment saltSegment = arena.allocateFrom(JAVA_BYTE, salt);
      MemorySegment out = arena.allocate(length);
      int code;
      try {
        code =
            (int)
                hashRaw.invokeExact(
                    params.iterations(),
                    params.memoryKiB(),
                    params.parallelism(),
                    pwd,
                    (long) password.length,
                    saltSegment,
                    (long) salt.length,
                    out,
                    (long) length);
      } finally {
        pwd.fill((byte) 0);
      }
      if (code != ARGON2_OK) {
        throw new IllegalStateException("libargon2: " + message(code) + " (" + code + ")");
      }
      byte[] hash = out.toArray(JAVA_BYTE);
      out.fill((byte) 0);
      return hash;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libargon2 call failed", e);
    }
  }

  private String message(int code) throws Throwable {
    MemorySegment text = (MemorySegment) errorMessage.invokeExact(code);
    return text.equals(MemorySegment.NULL)
        ? "unknown error"
        : text.reinterpret(Long.MAX_VALUE).getString(0);
  }

  @Override
  public long heapBytes(Argon2Params params) {
    return 0;
  }

  @Override
  public String name() {
    return "native";
  }
}
