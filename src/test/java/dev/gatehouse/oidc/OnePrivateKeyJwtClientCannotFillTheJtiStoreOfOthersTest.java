package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code oidc.max_jtis_per_client = 2}, a client with two live assertions gets {@code
 * invalid_client} for a third, while another client's assertions are still accepted.
 */
class OnePrivateKeyJwtClientCannotFillTheJtiStoreOfOthersTest {
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  @TempDir Path dir;

  @Test
  void aFullClientIsRefusedAndOthersAreNot() throws Exception {
    try (TestGatehouse gh =
        Provider.start(dir, Map.of("GATEHOUSE_OIDC_MAX_JTIS_PER_CLIENT", "2"))) {
      ECKey greedy = register(gh, "greedy");
      ECKey modest = register(gh, "modest");
      Browser http = new Browser(gh.uri("/"));

      assertThat(token(http, gh, "greedy", greedy).statusCode()).isEqualTo(200);
      assertThat(token(http, gh, "greedy", greedy).statusCode()).isEqualTo(200);
      HttpResponse<String> full = token(http, gh, "greedy", greedy);
      assertThat(full.statusCode()).isEqualTo(401);
      assertThat(full.body()).contains("invalid_client", "too many client assertions");

      assertThat(token(http, gh, "modest", modest).statusCode()).isEqualTo(200);
      assertThat(token(http, gh, "modest", modest).statusCode()).isEqualTo(200);
    }
  }

  private static ECKey register(TestGatehouse gh, String clientId) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID(clientId + "-1").generate();
    Provider.client(
        gh,
        "{\"client_id\":\""
            + clientId
            + "\",\"token_endpoint_auth_method\":\"private_key_jwt\","
            + "\"grant_types\":[\"client_credentials\"],\"scopes\":[\"reports\"],"
            + "\"jwks\":{\"keys\":["
            + key.toPublicJWK().toJSONString()
            + "]}}");
    return key;
  }

  private static HttpResponse<String> token(
      Browser http, TestGatehouse gh, String clientId, ECKey key) throws Exception {
    Instant now = Instant.now();
    SignedJWT assertion =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(gh.uri("/oidc/token").toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .build());
    assertion.sign(new ECDSASigner(key));
    return http.post(
        "/oidc/token",
        Map.of(
            "grant_type",
            "client_credentials",
            "scope",
            "reports",
            "client_assertion_type",
            JWT_BEARER,
            "client_assertion",
            assertion.serialize()));
  }
}
