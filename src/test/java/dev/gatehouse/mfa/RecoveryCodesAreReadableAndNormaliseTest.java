package dev.gatehouse.mfa;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Secrets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ten codes of 80 bits people can read and type, stored as digests of one canonical form. */
class RecoveryCodesAreReadableAndNormaliseTest {
  private static final String FORMAT =
      "[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}";

  /**
   * Randomness whose call k fills every byte with k, except that call 1 repeats call 0: known
   * codes, and one duplicate that must not make it into the list.
   */
  private static final class Counting extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private int calls;

    @Override
    public void nextBytes(byte[] bytes) {
      int call = calls++;
      Arrays.fill(bytes, (byte) (call == 0 ? 0 : call - 1));
    }
  }

  @Test
  void tenDistinctCodesOfSixteenCharactersInGroupsOfFour() {
    List<String> codes = RecoveryCodes.generate(new SecureRandom());

    assertThat(RecoveryCodes.COUNT).isEqualTo(10);
    assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(code -> code.matches(FORMAT));
  }

  @Test
  void eachCodeCarriesEightyBitsOfTheRandomness() {
    List<String> codes = RecoveryCodes.generate(new Counting());

    assertThat(codes).hasSize(10).doesNotHaveDuplicates();
    assertThat(codes.get(0)).isEqualTo("0000-0000-0000-0000");
    assertThat(codes.get(1))
        .isEqualTo("040g-2081-040g-2081"); // bytes 0x01: 00000 00100 00000 10000 ...
    Set<Character> used = new HashSet<>();
    for (String code : RecoveryCodes.generate(new SecureRandom())) {
      code.replace("-", "").chars().forEach(c -> used.add((char) c));
    }
    assertThat(used).doesNotContain('i', 'l', 'o', 'u');
  }

  @Test
  void aCodeNormalisesToItsSixteenCharactersHoweverItIsTyped() {
    for (String code : RecoveryCodes.generate(new SecureRandom())) {
      String canonical = code.replace("-", "");
      String confusable = code.replace('1', 'l').replace('0', 'O').toUpperCase(Locale.ROOT);

      assertThat(RecoveryCodes.normalise(code)).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(canonical)).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(code.toUpperCase(Locale.ROOT))).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(" " + code.replace('-', ' ') + " ")).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(confusable)).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(code.replace('1', 'I'))).isEqualTo(canonical);
      assertThat(RecoveryCodes.normalise(code.replace('1', 'i'))).isEqualTo(canonical);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "----",
        "7kq2-mz9d-4hxt-0c8",
        "7kq2-mz9d-4hxt-0c8wa",
        "7kq2-mz9d-4hxt-0c8u",
        "7kq2-mz9d-4hxt-0c8!",
        "7kq2_mz9d_4hxt_0c8w",
        "7kq2-mz9d-4hxt-0c8ẅ",
        "7kq2-mz9d-4hxt-0c8w-7kq2",
      })
  void malformedCodesNormaliseToNull(String typed) {
    assertThat(RecoveryCodes.normalise(typed)).isNull();
  }

  @Test
  void inputLongerThanSixtyFourCharactersIsRefusedEvenIfItWouldNormalise() {
    String code = "7kq2-mz9d-4hxt-0c8w";

    assertThat(RecoveryCodes.normalise(code + " ".repeat(64 - code.length())))
        .isEqualTo("7kq2mz9d4hxt0c8w");
    assertThat(RecoveryCodes.normalise(code + " ".repeat(65 - code.length()))).isNull();
    assertThat(RecoveryCodes.normalise("-".repeat(1_000_000))).isNull();
  }

  @Test
  void theDigestIsTheSha256OfTheCanonicalFormWhateverWasTyped() {
    String digest = RecoveryCodes.digest("7kq2mz9d4hxt0c8w");

    assertThat(digest).isEqualTo(Secrets.digest("7kq2mz9d4hxt0c8w")).matches("[0-9a-f]{64}");
    assertThat(RecoveryCodes.digest(requireNonNull(RecoveryCodes.normalise("7KQ2 MZ9D 4HXT OC8W"))))
        .isEqualTo(digest);
  }
}
