package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.failure.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The password rule in memory, case by case: what passes, and what each refusal says. */
class PasswordRuleNamesWhatIsWrongTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "short7!      | 8-1024 characters",
        "password     | 10,000 most common",
        "PASSWORD     | 10,000 most common",
        "Password1    | 10,000 most common",
        "qwertyuiop   | 10,000 most common",
        "1qaz2wsx     | 10,000 most common",
        "Mallory-Ann  | must not be the username",
        "mallory-ann  | must not be the username",
      })
  void refusedWithTheFieldItWasSentIn(String password, String message) {
    assertThatThrownBy(() -> Validation.password("new_password", password, "mallory-ann"))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining(message)
        .extracting(e -> ((Failure) e).field())
        .isEqualTo("new_password");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"correct horse battery", "Mallory-Ann-2", "baseball glove attic", "12345678x!"})
  void uncommonPasswordsPass(String password) {
    assertThat(Validation.password("password", password, "mallory-ann")).isEqualTo(password);
  }

  @org.junit.jupiter.api.Test
  void longerThan1024CharactersIsRefused() {
    assertThatThrownBy(() -> Validation.password("password", "x".repeat(1025), "u"))
        .hasMessageContaining("8-1024 characters");
  }
}
