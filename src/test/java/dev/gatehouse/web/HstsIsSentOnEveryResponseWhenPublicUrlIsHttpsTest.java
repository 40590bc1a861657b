package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an https public URL every response of the portal (pages, JSON, errors) carries {@code
 * Strict-Transport-Security} with the configured max-age; never over http, never at max-age 0.
 */
class HstsIsSentOnEveryResponseWhenPublicUrlIsHttpsTest {
  private static final String HSTS = "Strict-Transport-Security";
  @TempDir Path dir;

  @Test
  void httpsPublicUrlSendsItEverywhere() {
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir, Map.of("GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.test"))) {
      for (String path : new String[] {"/login", "/.well-known/openid-configuration", "/nowhere"}) {
        assertThat(gh.send("GET", path, null, null).raw().headers().firstValue(HSTS))
            .as(path)
            .hasValue("max-age=31536000");
      }
      assertThat(gh.get("/api/admin/users").raw().headers().firstValue(HSTS))
          .hasValue("max-age=31536000");
    }
  }

  @Test
  void configuredMaxAgeAndZeroTurnsItOff() {
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir.resolve("a"),
            Map.of(
                "GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.test",
                "GATEHOUSE_SERVER_HSTS_MAX_AGE_SECONDS", "600"))) {
      assertThat(gh.send("GET", "/login", null, null).raw().headers().firstValue(HSTS))
          .hasValue("max-age=600");
    }
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir.resolve("b"),
            Map.of(
                "GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.test",
                "GATEHOUSE_SERVER_HSTS_MAX_AGE_SECONDS", "0"))) {
      assertThat(gh.send("GET", "/login", null, null).raw().headers().firstValue(HSTS)).isEmpty();
    }
  }

  @Test
  void plainHttpPublicUrlNeverSendsIt() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(gh.send("GET", "/login", null, null).raw().headers().firstValue(HSTS)).isEmpty();
    }
  }
}
