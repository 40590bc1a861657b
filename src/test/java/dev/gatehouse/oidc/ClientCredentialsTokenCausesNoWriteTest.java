package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCredentialsTokenCausesNoWriteTest {
  @TempDir Path dir;

  @Test
  void clientCredentialsIssuesAVerifiableTokenWithZeroWriteStatements() throws Exception {
    try (TestGatehouse gh = Provider.start(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      JsonNode client =
          Provider.client(
              gh,
              "{\"client_id\":\"worker\",\"grant_types\":[\"client_credentials\"],"
                  + "\"scopes\":[\"reports\",\"openid\"]}");
      String basic =
          Base64.getEncoder()
              .encodeToString(
                  ("worker:" + client.get("client_secret").asText())
                      .getBytes(StandardCharsets.UTF_8));
      long writesBefore = gh.gatehouse().store().metrics().writeStatements();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(gh.uri("/oidc/token"))
                  .header("Authorization", "Basic " + basic)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(gh.gatehouse().store().metrics().writeStatements()).isEqualTo(writesBefore);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode body = Json.MAPPER.readTree(response.body());
      assertThat(body.get("scope").asText()).isEqualTo("reports");
      assertThat(body.has("refresh_token")).isFalse();
      assertThat(body.has("id_token")).isFalse();

      HttpResponse<String> introspected =
          http.send(
              HttpRequest.newBuilder(gh.uri("/oidc/introspect"))
                  .header("Authorization", "Basic " + basic)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "token=" + body.get("access_token").asText()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode info = Json.MAPPER.readTree(introspected.body());
      assertThat(info.get("active").asBoolean()).isTrue();
      assertThat(info.get("sub").asText()).isEqualTo("worker");
    }
  }
}
