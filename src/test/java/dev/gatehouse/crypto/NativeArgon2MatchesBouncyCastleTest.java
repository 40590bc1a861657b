package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NativeArgon2MatchesBouncyCastleTest {
  private static @Nullable NativeArgon2 nativeArgon2;
  private static String unavailable = "";

  @BeforeAll
  static void load() {
    try {
      nativeArgon2 = NativeArgon2.load();
    } catch (RuntimeException e) {
      unavailable = e.getMessage();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "8, 1, 1, '', 00112233445566778899aabbccddeeff, 32",
    "64, 2, 2, password, 0123456789abcdef, 32",
    "7168, 5, 1, correct horse battery staple, 0011223344556677, 32",
    "4096, 3, 4, pässwörd ✓, 000102030405060708090a0b0c0d0e0f10, 64",
    "1024, 1, 8, x, ffffffffffffffff, 16",
  })
  void sameHash(
      int memoryKiB, int iterations, int lanes, String password, String salt, int length) {
    assumeTrue(nativeArgon2 != null, () -> "libargon2 not available, skipped: " + unavailable);
    Argon2Params params = new Argon2Params(memoryKiB, iterations, lanes);
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    byte[] saltBytes = HexFormat.of().parseHex(salt);

    byte[] fromNative = nativeArgon2.hash(secret, saltBytes, params, length);

    assertThat(fromNative)
        .hasSize(length)
        .isEqualTo(new BouncyCastleArgon2().hash(secret, saltBytes, params, length));
  }

  @ParameterizedTest
  @CsvSource({"0, 1, 1", "8, 0, 1", "16, 1, 4"})
  void rejectedParametersAreAnExceptionNotACrash(int memoryKiB, int iterations, int lanes) {
    assumeTrue(nativeArgon2 != null, () -> "libargon2 not available, skipped: " + unavailable);
    assertThatThrownBy(
            () ->
                nativeArgon2.hash(
                    new byte[] {1},
                    new byte[16],
                    new Argon2Params(memoryKiB, iterations, lanes),
                    32))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("libargon2: ");
  }
}
