package dev.gatehouse.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatedKeyIsPublishedBeforeItSignsTest {
  @TempDir Path dir;

  @Test
  void rotationPublishesAtOnceSignsAfterGraceAndKeysSurviveARestartSealed() throws Exception {
    String secret;
    String before;
    try (TestGatehouse gh = TestGatehouse.start(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      assertThat(kids(gh)).hasSize(3);
      secret =
          gh.post(
                  "/api/admin/clients",
                  "{\"client_id\":\"svc\",\"grant_types\":[\"client_credentials\"],"
                      + "\"scopes\":[\"api\"]}")
              .json()
              .get("client_secret")
              .asText();
      before = kidOfToken(gh, http, secret);

      var rotated = gh.post("/api/admin/keys/rotate", "{\"grace_seconds\":3600}");
      assertThat(rotated.status()).isEqualTo(200);
      assertThat(kids(gh)).hasSize(6);
      assertThat(kidOfToken(gh, http, secret)).isEqualTo(before);

      gh.post("/api/admin/keys/rotate", "{\"grace_seconds\":0}");
      String after = kidOfToken(gh, http, secret);
      assertThat(after).isNotEqualTo(before);
      assertThat(kids(gh)).contains(before, after);
      JsonNode listed = gh.get("/api/admin/keys").json().get("items");
      assertThat(listed.toString()).doesNotContain("\"d\"").contains("\"active\"");
    }
    // The private keys on disk are sealed: no JWK private member appears in the database file
    // (on SQLite; on PostgreSQL, in any stored key).
    Path file = dir.resolve("gatehouse.db");
    if (Files.exists(file)) {
      assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("\"d\":\"");
    }
    try (TestGatehouse again = TestGatehouse.start(dir)) {
      assertThat(kids(again)).contains(before);
      assertThat(storedKeys(again))
          .hasSizeGreaterThanOrEqualTo(6)
          .noneMatch(k -> k.contains("\"d\""));
    }
  }

  private static List<String> storedKeys(TestGatehouse gh) throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Connection db = gh.connectToDatabase();
        Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery("SELECT sealed_jwk FROM signing_keys")) {
      while (rows.next()) {
        keys.add(rows.getString(1));
      }
    }
    return keys;
  }

  private static List<String> kids(TestGatehouse gh) {
    List<String> kids = new ArrayList<>();
    gh.send("GET", "/.well-known/jwks.json", null, null)
        .json()
        .get("keys")
        .forEach(k -> kids.add(k.get("kid").asText()));
    return kids;
  }

  private static String kidOfToken(TestGatehouse gh, HttpClient http, String secret)
      throws Exception {
    String basic =
        Base64.getEncoder().encodeToString(("svc:" + secret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(gh.uri("/oidc/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String token = Json.MAPPER.readTree(response.body()).get("access_token").asText();
    return SignedJWT.parse(token).getHeader().getKeyID();
  }
}
