package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A confidential client's secret still authenticates after a restart, when the clients are loaded
 * from the database rather than learned from the write. Failed before: the loader read the secret
 * digest from the column before it (require_mfa, added later), so every client secret was refused
 * after a restart, and on a cluster after a node re-read its client.
 */
class ClientSecretsStillAuthenticateAfterARestartTest {
  @TempDir Path dir;

  @Test
  void aClientSecretWorksBeforeAndAfterARestart() throws Exception {
    String secret;
    try (TestGatehouse gh = Provider.start(dir)) {
      secret =
          Provider.client(
                  gh,
                  "{\"client_id\":\"worker\",\"grant_types\":[\"client_credentials\"],"
                      + "\"scopes\":[\"reports\"]}")
              .get("client_secret")
              .asText();
      assertThat(token(gh, secret).statusCode()).isEqualTo(200);
    }
    // A plain start on the same data: the provider's fixture would create its users again.
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      HttpResponse<String> after = token(gh, secret);
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> token(TestGatehouse gh, String secret) throws Exception {
    String basic =
        Base64.getEncoder().encodeToString(("worker:" + secret).getBytes(StandardCharsets.UTF_8));
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(gh.uri("/oidc/token"))
              .header("Authorization", "Basic " + basic)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
