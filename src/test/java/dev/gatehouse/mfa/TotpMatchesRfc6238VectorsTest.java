package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test vectors of RFC 6238 Appendix B (SHA-1 rows; the RFC prints eight digits, six-digit codes
 * are their last six) and RFC 4226 Appendix D, both for the ASCII key "12345678901234567890".
 */
class TotpMatchesRfc6238VectorsTest {
  private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
    "59, 1, 94287082",
    "1111111109, 37037036, 07081804",
    "1111111111, 37037037, 14050471",
    "1234567890, 41152263, 89005924",
    "2000000000, 66666666, 69279037",
    "20000000000, 666666666, 65353130",
  })
  void totpAtTheRfcTimesIsTheLastSixDigitsOfTheRfcValue(
      long epochSeconds, long expectedStep, String eightDigits) {
    long step = Totp.step(epochSeconds * 1000);

    assertThat(step).isEqualTo(expectedStep);
    assertThat(Totp.code(KEY, step)).isEqualTo(eightDigits.substring(2));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
    "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489",
  })
  void hotpAtTheRfc4226CountersIsTheRfcValue(long counter, String code) {
    assertThat(Totp.code(KEY, counter)).isEqualTo(code);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "29999, 0", "30000, 1", "-1, -1", "-30000, -1", "-30001, -2"})
  void aStepIsTheFloorOfThirtySecondPeriods(long epochMillis, long step) {
    assertThat(Totp.step(epochMillis)).isEqualTo(step);
  }
}
