package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Passwords.Verification;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordVerificationTest {
  private static final Argon2Params CHEAP = new Argon2Params(64, 1, 2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Passwords passwords(Argon2Params params) {
    return new Passwords(
        new BouncyCastleArgon2(), params, 2, () -> RANDOM, new PrometheusRegistry());
  }

  @Test
  void theRightPasswordMatchesAndNeedsNoRehash() {
    Passwords passwords = passwords(CHEAP);
    String stored = passwords.hash("correct horse");

    assertThat(stored).startsWith("$argon2id$v=19$m=64,t=1,p=2$");
    assertThat(passwords.verify("correct horse", stored)).isEqualTo(new Verification(true, false));
  }

  @Test
  void aWrongPasswordDoesNotMatch() {
    Passwords passwords = passwords(CHEAP);
    String stored = passwords.hash("correct horse");

    assertThat(passwords.verify("correct horsf", stored)).isEqualTo(new Verification(false, false));
    assertThat(passwords.verify("", stored).matches()).isFalse();
  }

  @Test
  void aHashAtOtherParametersMatchesAndAsksForARehash() {
    String old = passwords(new Argon2Params(32, 2, 1)).hash("correct horse");
    Passwords passwords = passwords(CHEAP);

    assertThat(passwords.verify("correct horse", old)).isEqualTo(new Verification(true, true));
    assertThat(passwords.verify("wrong", old)).isEqualTo(new Verification(false, false));
  }

  @Test
  void twoHashesOfOnePasswordDifferBySalt() {
    Passwords passwords = passwords(CHEAP);

    assertThat(passwords.hash("same")).isNotEqualTo(passwords.hash("same"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a hash",
        "$argon2i$v=19$m=64,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=16$m=64,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=2$c2FsdHNhbHRzYWx0$",
        "$argon2id$v=19$m=64,t=1,p=2$c2FsdHNhbHRzYWx0$a",
        "$argon2id$v=19$m=64,t=0,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=8,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=2$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=2$c2FsdHNhbHRzYWx0$aGFz",
      })
  void aMalformedStoredHashIsNoMatchNotAnError(String stored) {
    assertThat(passwords(CHEAP).verify("anything", stored))
        .isEqualTo(new Verification(false, false));
  }
}
