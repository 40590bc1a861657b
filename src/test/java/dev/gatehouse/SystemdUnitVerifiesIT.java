package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.testing.UnpackedPackage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's systemd unit passes {@code systemd-analyze verify} without a single complaint. The
 * unit names /opt/gatehouse, which verify checks for an executable, so it is verified as installed
 * from this unpacked package: the same file with /opt/gatehouse replaced by where it is.
 */
@Timeout(120)
class SystemdUnitVerifiesIT {
  private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @TempDir Path dir;

  @Test
  void theUnitAsInstalledVerifiesWithoutWarnings() throws Exception {
    // .ci/run installs Debian's systemd when it is missing; elsewhere its absence only skips.
    if (System.getenv("CI") == null) {
      assumeThat(SYSTEMD_ANALYZE).as("systemd-analyze (Debian: systemd)").isExecutable();
    }
    UnpackedPackage unpacked = UnpackedPackage.into(Files.createDirectory(dir.resolve("opt")));
    String unit =
        Files.readString(unpacked.home().resolve("systemd/gatehouse.service"))
            .replace("/opt/gatehouse", unpacked.home().toString());
    assertThat(unit).contains("ExecStart=" + unpacked.launcher() + " serve");
    Path installed = Files.writeString(dir.resolve("gatehouse.service"), unit);

    Process verify =
        new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", installed.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // verify exits 0 on some warnings (an unknown key, a bad value it ignores): any line fails.
    assertThat(output).as("systemd-analyze verify printed").isBlank();
    assertThat(verify.exitValue()).isZero();
  }
}
