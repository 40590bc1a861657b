package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentOverridesFileTest {
  @TempDir Path dir;

  @Test
  void environmentWinsOverFileAndFileOverDefault() throws IOException {
    Path file = dir.resolve("gatehouse.toml");
    Files.writeString(
        file,
        """
        [database]
        read_pool_size = 8

        [hashing]
        max_hash_threads = 3
        """);

    Config config =
        ConfigLoader.load(
            file,
            Map.of(
                "GATEHOUSE_DATABASE_READ_POOL_SIZE", "16",
                "GATEHOUSE_METRICS_ENABLE", "true",
                "PATH", "/usr/bin"));

    assertThat(config.database().readPoolSize()).isEqualTo(16);
    assertThat(config.metrics().enable()).isTrue();
    assertThat(config.hashing().maxHashThreads()).isEqualTo(3);
    assertThat(config.hashing().argon2MCost()).isEqualTo(131072);
  }
}
