package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Argon2sPrefersAVerifiedNativeLibraryTest {

  @Test
  void nativeIsChosenWhereLibargon2IsInstalled() {
    boolean installed =
        Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libargon2.so.1"))
            || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libargon2.so.1"));

    assertThat(Argon2s.best().name()).isEqualTo(installed ? "native" : "bouncycastle");
  }

  @Test
  void anImplementationThatDisagreesWithBouncyCastleIsRefused() {
    Argon2 wrong = new StubArgon2("wrong", (password, salt, params, length) -> new byte[length]);

    assertThatThrownBy(() -> Argon2s.checked(wrong))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("disagrees with Bouncy Castle");
  }
}
