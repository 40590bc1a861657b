package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Argon2Params;
import dev.gatehouse.crypto.Passwords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HashPasswordPrintsAVerifiableHashTest {
  private static final Map<String, String> CHEAP_HASHING =
      Map.of(
          "GATEHOUSE_HASHING_ARGON2_M_COST", "32768",
          "GATEHOUSE_HASHING_ARGON2_T_COST", "1",
          "GATEHOUSE_HASHING_ARGON2_P_COST", "2");

  @Test
  void passwordFromStdinBecomesAPhcStringThatVerifies() {
    StringWriter out = new StringWriter();
    CommandLine cli =
        new CommandLine(
            new Main(
                CHEAP_HASHING,
                new ByteArrayInputStream(
                    "correct horse battery\n".getBytes(StandardCharsets.UTF_8))));
    cli.setOut(new PrintWriter(out, true));

    int exit = cli.execute("hash-password");

    assertThat(exit).isZero();
    String hash = out.toString().strip();
    assertThat(hash).startsWith("$argon2id$v=19$m=32768,t=1,p=2$");
    SecureRandom random = new SecureRandom();
    Passwords passwords =
        new Passwords(new Argon2Params(32768, 1, 2), 1, () -> random, new PrometheusRegistry());
    assertThat(passwords.verify("correct horse battery", hash).matches()).isTrue();
    assertThat(passwords.verify("correct horse", hash).matches()).isFalse();
  }

  @Test
  void emptyStdinIsAnError() {
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(new Main(CHEAP_HASHING, new ByteArrayInputStream(new byte[0])));
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("hash-password")).isEqualTo(1);
    assertThat(err.toString()).contains("no password on stdin");
  }
}
