package dev.gatehouse;

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

    assertThatThrownBy(() -> Gatehouse.requireHeapForHashing(DEFAULTS, twoHashes, 123 * MIB))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hashing.max_hash_threads=2")
        .hasMessageContaining("hashing.argon2_m_cost=131072")
        .hasMessageContaining("GATEHOUSE_JAVA_OPTS")
        .hasMessageContaining("capped at 123 MiB");
  }

  @Test
  void aHeapLargeEnoughForTheHashesAndTheBaseIsAccepted() {
    assertThatCode(() -> Gatehouse.requireHeapForHashing(DEFAULTS, 272 * MIB, 336 * MIB))
        .doesNotThrowAnyException();
  }

  @Test
  void nativeHashingNeedsNoHeap() {
    assertThatCode(() -> Gatehouse.requireHeapForHashing(DEFAULTS, 0, 100 * MIB))
        .doesNotThrowAnyException();
  }
}
