package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A code is good for the step before, the current one and the one after, and only once. */
class TotpCodeIsAcceptedOnceWithinOneStepTest {
  private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  /** 2026-11-30T12:00:10Z: ten seconds into a step. */
  private static final long NOW = 1_796_040_010_000L;

  private static final long STEP = Totp.step(NOW);

  private static OptionalLong match(String typed, long lastUsedStep) {
    return Totp.match(KEY, typed, NOW, lastUsedStep);
  }

  @Test
  void theCodesOfTheStepBeforeNowAndAfterAreAcceptedAtTheirStep() {
    for (long step = STEP - 1; step <= STEP + 1; step++) {
      assertThat(match(Totp.code(KEY, step), Totp.NO_STEP_USED)).hasValue(step);
    }
  }

  @Test
  void theCodesOfTwoStepsAwayAreRefused() {
    assertThat(match(Totp.code(KEY, STEP - 2), Totp.NO_STEP_USED)).isEmpty();
    assertThat(match(Totp.code(KEY, STEP + 2), Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void theWindowFollowsTheClockAcrossAStepBoundary() {
    long lastMillisOfStep = (STEP + 1) * Totp.PERIOD_SECONDS * 1000 - 1;
    long firstMillisOfNext = lastMillisOfStep + 1;
    String twoBack = Totp.code(KEY, STEP - 1);

    assertThat(Totp.match(KEY, twoBack, lastMillisOfStep, Totp.NO_STEP_USED)).hasValue(STEP - 1);
    assertThat(Totp.match(KEY, twoBack, firstMillisOfNext, Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void aCodeIsRefusedOnceItsStepIsTheLastUsedOne() {
    String code = Totp.code(KEY, STEP);
    long used = match(code, Totp.NO_STEP_USED).orElseThrow();

    assertThat(match(code, used)).isEmpty();
  }

  @Test
  void anOlderCodeIsRefusedAfterANewerOneWasUsed() {
    assertThat(match(Totp.code(KEY, STEP - 1), STEP)).isEmpty();
    assertThat(match(Totp.code(KEY, STEP), STEP + 1)).isEmpty();
  }

  @Test
  void aNewerCodeIsAcceptedAfterAnOlderOneWasUsed() {
    assertThat(match(Totp.code(KEY, STEP), STEP - 1)).hasValue(STEP);
    assertThat(match(Totp.code(KEY, STEP + 1), STEP)).hasValue(STEP + 1);
  }

  @Test
  void aWrongCodeIsRefused() {
    String right = Totp.code(KEY, STEP);
    String wrong = String.format(Locale.ROOT, "%06d", (Integer.parseInt(right) + 1) % 1_000_000);

    assertThat(wrong).isNotIn(Totp.code(KEY, STEP - 1), Totp.code(KEY, STEP + 1));
    assertThat(match(wrong, Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void codesOfOtherKeysAreRefused() {
    SplittableRandom random = new SplittableRandom(12);
    byte[] other = new byte[20];
    random.nextBytes(other);

    assertThat(Totp.code(other, STEP)).isNotEqualTo(Totp.code(KEY, STEP));
    assertThat(match(Totp.code(other, STEP), Totp.NO_STEP_USED)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "12345", "1234567", "12345a", "abcdef", "-12345", "+12345"})
  void malformedInputIsRefused(String typed) {
    assertThat(match(typed, Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void nonAsciiDigitsAndSevenDigitsWithTheCodeInsideAreRefused() {
    String code = Totp.code(KEY, STEP);
    StringBuilder fullWidth = new StringBuilder();
    code.chars().forEach(c -> fullWidth.append((char) ('\uFF10' + c - '0')));

    assertThat(match(fullWidth.toString(), Totp.NO_STEP_USED)).isEmpty();
    assertThat(match(code + "0", Totp.NO_STEP_USED)).isEmpty();
    assertThat(match("0" + code, Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void veryLongInputIsRefusedEvenIfItIsTheCodeBetweenSpaces() {
    String code = Totp.code(KEY, STEP);

    assertThat(match(" ".repeat(100) + code, Totp.NO_STEP_USED)).isEmpty();
    assertThat(match("1".repeat(1_000_000), Totp.NO_STEP_USED)).isEmpty();
  }

  @Test
  void spacesAroundAndInsideTheCodeAreTolerated() {
    String code = Totp.code(KEY, STEP);
    String grouped = code.substring(0, 3) + " " + code.substring(3);

    assertThat(match(grouped, Totp.NO_STEP_USED)).hasValue(STEP);
    assertThat(match("  " + code + "\t\n", Totp.NO_STEP_USED)).hasValue(STEP);
    assertThat(match(String.join(" ", code.split("")), Totp.NO_STEP_USED)).hasValue(STEP);
    assertThat(match(grouped.replace(' ', '\u00A0'), Totp.NO_STEP_USED)).hasValue(STEP);
  }

  @Test
  void aNewKeyIsTwentyBytesOfTheGivenRandomness() {
    byte[] key = Totp.newKey(new SecureRandom());

    assertThat(key).hasSize(20);
    assertThat(Totp.newKey(new SecureRandom())).isNotEqualTo(key);
  }
}
