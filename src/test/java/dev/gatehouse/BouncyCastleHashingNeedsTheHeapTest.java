package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigException;
import org.junit.jupiter.api.Test;

class BouncyCastleHashingNeedsTheHeapTest {
  private static final long MIB = 1L << 20;
  private static final Config.Hashing DEFAULTS = Config.defaults().hashing();

  @Test
  void startupFailsNamingTheSettingsWhenTheHeapCannotHoldTheHashes() {
    long twoHashes = 2 * 136 * MIB;

    // -Xmx128m with the serial collector: 85 MiB old generation of 123 MiB usable
    assertThatThrownBy(
            () -> Gatehouse.requireHeapForHashing(DEFAULTS, twoHashes, 85 * MIB, 123 * MIB))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("hashing.max_hash_threads: ")
        .hasMessageContaining("hashing.max_hash_threads=2")
        .hasMessageContaining("hashing.argon2_m_cost=131072")
        .hasMessageContaining("needs 336 MiB of old generation, but there are 85 MiB")
        .hasMessageContaining("GATEHOUSE_JAVA_OPTS=-Xmx512m");
  }

  @Test
  void anOldGenerationLargeEnoughForTheHashesAndTheBaseIsAccepted() {
    assertThatCode(() -> Gatehouse.requireHeapForHashing(DEFAULTS, 272 * MIB, 341 * MIB, 495 * MIB))
        .doesNotThrowAnyException();
  }

  @Test
  void nativeHashingNeedsNoHeap() {
    assertThatCode(() -> Gatehouse.requireHeapForHashing(DEFAULTS, 0, 10 * MIB, 16 * MIB))
        .doesNotThrowAnyException();
  }

  @Test
  void theOldGenerationIsFoundAndSmallerThanTheHeap() {
    assertThat(Gatehouse.longLivedHeap())
        .isPositive()
        .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }
}
