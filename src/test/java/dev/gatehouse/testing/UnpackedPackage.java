package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tarball that Maven's dist profile built (dist/package.sh), unpacked with tar as an operator
 * would: {@code home} is its one top directory, {@code gatehouse-<version>}.
 */
public record UnpackedPackage(Path home, String version) {
  private static final String TARBALL_PROPERTY = "gatehouse.package";

  public static UnpackedPackage into(Path dir) throws IOException, InterruptedException {
    String tarball = System.getProperty(TARBALL_PROPERTY);
    assertThat(tarball)
        .as("-D%s (set by the dist profile's Failsafe configuration)", TARBALL_PROPERTY)
        .isNotNull();
    assertThat(Path.of(tarball)).exists();
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball, "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(output).isZero();
    try (Stream<Path> top = Files.list(dir)) {
      List<Path> entries = top.toList();
      assertThat(entries).as("one top directory").hasSize(1);
      Path home = entries.get(0);
      String name = home.getFileName().toString();
      assertThat(name).startsWith("gatehouse-");
      return new UnpackedPackage(home, name.substring("gatehouse-".length()));
    }
  }

  public Path launcher() {
    return home.resolve("bin/gatehouse");
  }
}
