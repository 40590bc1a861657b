package dev.gatehouse.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Chooses the Argon2id implementation: native libargon2 when it loads and agrees with Bouncy Castle
 * on a known input, else Bouncy Castle. The benchmark in {@code bench/hashing} measured native as
 * the faster one and the one that keeps hashing memory off the heap (docs/hashing.md).
 *
 * <p>{@code -Dgatehouse.argon2=bouncycastle} forces the pure-Java implementation, {@code =native}
 * requires the native one (startup fails if it does not load).
 */
final class Argon2s {
  static final String PROPERTY = "gatehouse.argon2";
  private static final Logger LOG = Logger.getLogger(Argon2s.class.getName());
  // Small enough that the self-test costs a few milliseconds at startup.
  private static final Argon2Params SELF_TEST = new Argon2Params(64, 2, 2);

  private Argon2s() {}

  static Argon2 best() {
    String choice = System.getProperty(PROPERTY, "auto");
    return switch (choice) {
      case "bouncycastle" -> new BouncyCastleArgon2();
      case "native" -> checked(NativeArgon2.load());
      case "auto" -> nativeOrBouncyCastle();
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + " must be auto, native or bouncycastle, not " + choice);
    };
  }

  private static Argon2 nativeOrBouncyCastle() {
    try {
      Argon2 argon2 = checked(NativeArgon2.load());
      LOG.info("argon2: native libargon2 (hashing memory off the heap)");
      return argon2;
    } catch (RuntimeException | LinkageError e) {
      LOG.info(
          () ->
              "argon2: using Bouncy Castle (pure Java, hashing memory on the heap): "
                  + e.getMessage());
      return new BouncyCastleArgon2();
    }
  }

  /** {@code candidate}, after checking that it computes what Bouncy Castle computes. */
  static Argon2 checked(Argon2 candidate) {
    byte[] password = "gatehouse self-test".getBytes(StandardCharsets.UTF_8);
    byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.UTF_8);
    byte[] expected = new BouncyCastleArgon2().hash(password, salt, SELF_TEST, 32);
    if (!Arrays.equals(candidate.hash(password, salt, SELF_TEST, 32), expected)) {
      throw new IllegalStateException(
          "argon2 " + candidate.name() + " disagrees with Bouncy Castle on the self-test");
    }
    return candidate;
  }
}
