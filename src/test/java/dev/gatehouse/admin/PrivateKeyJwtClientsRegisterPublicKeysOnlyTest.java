package dev.gatehouse.admin;

import static dev.gatehouse.admin.AdminCalls.assertError;
import static dev.gatehouse.admin.AdminCalls.storedDigest;
import static dev.gatehouse.admin.AdminCalls.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code token_endpoint_auth_method} and {@code jwks} over the admin API: a {@code private_key_jwt}
 * client keeps public keys and no secret; anything else is a 400 naming the field.
 */
class PrivateKeyJwtClientsRegisterPublicKeysOnlyTest {
  @TempDir static Path dir;
  static TestGatehouse gh;
  static RSAKey rsa;
  static ECKey ec;

  @BeforeAll
  static void start() throws Exception {
    gh = TestGatehouse.start(dir);
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  private static String jwks(String... keys) {
    return "{\"keys\":[" + String.join(",", keys) + "]}";
  }

  private static String body(String clientId, String extra) {
    return "{\"client_id\":\""
        + clientId
        + "\",\"grant_types\":[\"client_credentials\"]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  @Test
  void privateKeyJwtClientKeepsItsPublicKeysAndHasNoSecret() {
    TestGatehouse.Response created =
        gh.post(
            "/api/admin/clients",
            body(
                "signed",
                "\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":"
                    + jwks(rsa.toPublicJWK().toJSONString(), ec.toPublicJWK().toJSONString())));

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode client = created.json();
    assertThat(client.get("token_endpoint_auth_method").asText()).isEqualTo("private_key_jwt");
    assertThat(client.has("client_secret")).isFalse();
    assertThat(client.path("jwks").path("keys"))
        .extracting(key -> key.get("kid").asText())
        .containsExactly("rsa-1", "ec-1");
    assertThat(client.path("jwks").path("keys").get(0).get("n").asText())
        .isEqualTo(rsa.getModulus().toString());
    assertThat(gh.get("/api/admin/clients/signed").json()).isEqualTo(client);
    assertThat(storedDigest(gh, "signed")).isEmpty();
    assertError(
        gh.post("/api/admin/clients/signed/secret", ""),
        400,
        "invalid_request",
        "token_endpoint_auth_method");
  }

  @Test
  void switchingToKeysDropsTheSecretAndSwitchingBackNeedsANewOne() {
    TestGatehouse.Response created = gh.post("/api/admin/clients", body("switcher", ""));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String path = "/api/admin/clients/switcher";

    assertError(
        gh.patch(path, "{\"token_endpoint_auth_method\":\"private_key_jwt\"}"),
        400,
        "invalid_request",
        "jwks");
    assertThat(storedDigest(gh, "switcher"))
        .isEqualTo(Secrets.digest(created.json().get("client_secret").asText()));

    TestGatehouse.Response signed =
        gh.patch(
            path,
            "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":"
                + jwks(ec.toPublicJWK().toJSONString())
                + "}");
    assertThat(signed.status()).as(signed.body()).isEqualTo(200);
    assertThat(signed.json().path("jwks").path("keys").get(0).get("kid").asText())
        .isEqualTo("ec-1");
    assertThat(storedDigest(gh, "switcher")).isEmpty();

    TestGatehouse.Response back =
        gh.patch(path, "{\"token_endpoint_auth_method\":\"client_secret_post\"}");
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(back.json().has("jwks")).isFalse();
    assertThat(storedDigest(gh, "switcher")).isEmpty();
    String fresh = gh.post(path + "/secret", "").json().get("client_secret").asText();
    assertThat(storedDigest(gh, "switcher")).isEqualTo(Secrets.digest(fresh));
  }

  @Test
  void missingOrUnfitKeysAreA400NamingTheFieldAndChangeNothing() throws Exception {
    record Case(String extra, String field) {}
    String pkjwt = "\"token_endpoint_auth_method\":\"private_key_jwt\"";
    String rsa1024 = new RSAKeyGenerator(1024, true).generate().toPublicJWK().toJSONString();
    String p384 = new ECKeyGenerator(Curve.P_384).generate().toPublicJWK().toJSONString();
    String oct = new OctetSequenceKeyGenerator(256).generate().toJSONString();
    String encryption =
        new RSAKeyGenerator(2048)
            .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION)
            .generate()
            .toPublicJWK()
            .toJSONString();
    List<Case> cases =
        List.of(
            new Case(pkjwt, "jwks"),
            new Case(pkjwt + ",\"jwks\":" + jwks(rsa.toJSONString()), "jwks.keys[0]"),
            new Case(
                pkjwt + ",\"jwks\":" + jwks(ec.toPublicJWK().toJSONString(), ec.toJSONString()),
                "jwks.keys[1]"),
            new Case(pkjwt + ",\"jwks\":" + jwks(oct), "jwks.keys[0]"),
            new Case(pkjwt + ",\"jwks\":" + jwks(rsa1024), "jwks.keys[0]"),
            new Case(pkjwt + ",\"jwks\":" + jwks(p384), "jwks.keys[0]"),
            new Case(pkjwt + ",\"jwks\":" + jwks(encryption), "jwks.keys[0]"),
            new Case(pkjwt + ",\"jwks\":" + jwks("{\"kty\":\"RSA\"}"), "jwks.keys[0]"),
            new Case(pkjwt + ",\"jwks\":" + jwks(), "jwks"),
            new Case(pkjwt + ",\"jwks\":\"https://keys.test/jwks.json\"", "jwks"),
            new Case(
                "\"jwks\":" + jwks(rsa.toPublicJWK().toJSONString()),
                "jwks"), // keys for a secret client
            new Case(
                "\"token_endpoint_auth_method\":\"client_secret_jwt\"",
                "token_endpoint_auth_method"),
            new Case("\"token_endpoint_auth_method\":\"none\"", "token_endpoint_auth_method"),
            new Case("\"token_endpoint_auth_method\":\"tls\"", "token_endpoint_auth_method"));
    long before = total(gh, "/api/admin/clients");

    for (Case c : cases) {
      assertError(
          gh.post("/api/admin/clients", body("refused", c.extra())),
          400,
          "invalid_request",
          c.field());
    }
    assertError(
        gh.post(
            "/api/admin/clients",
            "{\"public\":true,\"redirect_uris\":[\"https://a.test/\"],"
                + pkjwt
                + ",\"jwks\":"
                + jwks(rsa.toPublicJWK().toJSONString())
                + "}"),
        400,
        "invalid_request",
        "token_endpoint_auth_method");

    assertThat(total(gh, "/api/admin/clients")).isEqualTo(before);
  }
}
