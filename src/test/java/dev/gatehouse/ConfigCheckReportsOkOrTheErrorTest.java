package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCheckReportsOkOrTheErrorTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void validFileNamedByEnvironmentIsOkAndPrintedResolved() throws IOException {
    Path file = dir.resolve("gatehouse.toml");
    Files.writeString(file, "[database]\nread_pool_size = 8\n");

    int exit =
        run(
            Map.of("GATEHOUSE_CONFIG", file.toString(), "GATEHOUSE_HASHING_MAX_HASH_THREADS", "5"),
            "config",
            "check");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .startsWith("configuration ok")
        .contains("readPoolSize=8")
        .contains("maxHashThreads=5");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void invalidValueIsReportedWithExitCode2() throws IOException {
    Path file = dir.resolve("gatehouse.toml");
    Files.writeString(file, "[server]\nhttp_workers = 5000\n");

    int exit = run(Map.of(), "config", "check", "--config", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("config error: server.http_workers")
        .contains("gatehouse.toml line 2");
    assertThat(out.toString()).doesNotContain("configuration ok");
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new Main(env, new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
