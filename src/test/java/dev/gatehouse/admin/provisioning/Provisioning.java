package dev.gatehouse.admin.provisioning;

import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Test helpers: writing a provisioning file and applying it to a running test instance. */
final class Provisioning {
  /** A client secret and an API key, long and random enough to be accepted in clear. */
  static final String GRAFANA_SECRET = "grafana-secret-0123456789abcdefghijklmnop";

  static final String CI_KEY = "gh_ak_ci-key-0123456789abcdefghijklmnopqrstuv";

  private Provisioning() {}

  static Path write(Path dir, String name, String toml) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, toml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file using every kind and every way of giving a secret; its secrets beside it. */
  static Path full(Path dir) {
    write(dir, "alice.password", "alice's long password\n");
    write(dir, "grafana.secret", GRAFANA_SECRET + "\n");
    return write(
        dir,
        "gatehouse.provisioning.toml",
        """
        [[groups]]
        name = "staff"

        [[groups]]
        name = "ops"
        require_mfa = false

        [[users]]
        username = "alice"
        email = "alice@example.test"
        display_name = "Alice"
        groups = ["staff"]
        password_file = "alice.password"

        [[users]]
        username = "bob"
        groups = ["ops", "staff"]

        [[apps]]
        name = "wiki"
        hosts = ["wiki.example.test"]
        rules = [
          { path = "/admin", policy = "groups", groups = ["ops"] },
          { path = "/", policy = "authenticated" },
        ]

        [[clients]]
        client_id = "grafana"
        name = "Grafana"
        grant_types = ["client_credentials"]
        scopes = ["reports"]
        secret_file = "grafana.secret"

        [[api_keys]]
        name = "ci"
        role = "read_only"
        key_env = "CI_KEY"
        """);
  }

  static Map<String, String> env() {
    return Map.of("CI_KEY", CI_KEY);
  }

  static Provisioner.Outcome apply(TestGatehouse gh, Path file, boolean prune, boolean dryRun) {
    return gh.gatehouse()
        .provisioner()
        .apply(ProvisioningFile.read(file, env()::get), prune, dryRun, Provisioner.By.SYSTEM);
  }

  static List<String> lines(Provisioner.Outcome outcome) {
    return outcome.changes().stream().map(Object::toString).toList();
  }

  /** A client_credentials token request as the client {@code id} with {@code secret}. */
  static int tokenStatus(TestGatehouse gh, String id, String secret) throws Exception {
    String basic =
        Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(gh.uri("/oidc/token"))
                  .header("Authorization", "Basic " + basic)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }
  }

  static URI server(TestGatehouse gh) {
    return gh.uri("/");
  }
}
