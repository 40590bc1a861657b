package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve} as the launcher runs it starts without picocli (Main.PlainServe); those forms mean
 * what picocli makes of them, and every other command line is left to picocli.
 */
class PlainServeIsReadAsPicocliReadsItTest {
  @Test
  void thePlainFormsNameTheConfigFilePicocliNames() {
    for (String[] args :
        List.of(
            new String[] {"serve"},
            new String[] {"serve", "--config", "gatehouse.toml"},
            new String[] {"serve", "--config=/etc/gatehouse/gatehouse.toml"})) {
      Main.PlainServe plain = Main.PlainServe.of(args);
      assertThat(plain).as(String.join(" ", args)).isNotNull();
      assertThat(plain.config()).as(String.join(" ", args)).isEqualTo(picocliConfig(args));
    }
    assertThat(Main.PlainServe.of(new String[] {"serve", "--config", "a.toml"}).config())
        .isEqualTo(Path.of("a.toml"));
  }

  @Test
  void everyOtherCommandLineIsPicocli() {
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"version"},
            new String[] {"--help"},
            new String[] {"serve", "--help"},
            new String[] {"serve", "-h"},
            new String[] {"serve", "--config"},
            new String[] {"serve", "--config="},
            new String[] {"serve", "--config", "--help"},
            new String[] {"serve", "--config", "a.toml", "--config", "b.toml"},
            new String[] {"serve", "extra"},
            new String[] {"config", "check"})) {
      assertThat(Main.PlainServe.of(args)).as(String.join(" ", args)).isNull();
    }
  }

  private static Path picocliConfig(String[] args) {
    CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args);
    Main.Serve serve = (Main.Serve) parsed.subcommand().commandSpec().userObject();
    return serve.options.config;
  }
}
