package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.gatehouse.crypto.EdDsa;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client registered with {@code private_key_jwt} and an inline JWKS (RSA, P-256 and Ed25519 keys
 * made here) authenticates with signed assertions over real HTTP, with the Nimbus SDK's own {@link
 * PrivateKeyJWT} where it can sign; every forged, stale, misaddressed or replayed assertion is a
 * 401 {@code invalid_client}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateKeyJwtClientAuthenticatesAndForgedAssertionsAreRefusedTest {
  private static final ClientID SIGNER = new ClientID("signer");
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private TestGatehouse gh;
  private OIDCProviderMetadata op;
  private RSAKey rsa;
  private ECKey ec;
  private OctetKeyPair ed;
  private RSAKey stranger;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    gh = Provider.start(Files.createTempDirectory("gh-pkjwt"));
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    ed = EdDsa.generate("ed-1");
    stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    Provider.client(
        gh,
        "{\"client_id\":\"signer\",\"token_endpoint_auth_method\":\"private_key_jwt\","
            + "\"grant_types\":[\"client_credentials\","
            + "\"urn:ietf:params:oauth:grant-type:device_code\"],"
            + "\"scopes\":[\"reports\"],\"jwks\":{\"keys\":["
            + String.join(
                ",",
                rsa.toPublicJWK().toJSONString(),
                ec.toPublicJWK().toJSONString(),
                ed.toPublicJWK().toJSONString())
            + "]}}");
    Provider.client(
        gh,
        "{\"client_id\":\"secretive\",\"grant_types\":[\"client_credentials\"],"
            + "\"scopes\":[\"reports\"]}");
    op = OIDCProviderMetadata.resolve(new Issuer(gh.uri("").toString()));
  }

  @AfterAll
  void stop() {
    gh.close();
    http.close();
  }

  @Test
  void discoveryAdvertisesPrivateKeyJwtAndItsAlgorithms() {
    assertThat(op.getTokenEndpointAuthMethods())
        .extracting(Object::toString)
        .contains("private_key_jwt", "client_secret_basic")
        .doesNotContain("client_secret_jwt");
    assertThat(op.getTokenEndpointJWSAlgs())
        .containsExactlyInAnyOrder(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
  }

  @Test
  void nimbusClientGetsATokenWithoutAWriteThenIntrospectsAndRevokesIt() throws Exception {
    long writesBefore = gh.gatehouse().store().metrics().writeStatements();
    TokenResponse response =
        TokenResponse.parse(
            new TokenRequest(
                    op.getTokenEndpointURI(),
                    sdkAuth(op.getTokenEndpointURI(), JWSAlgorithm.RS256),
                    new ClientCredentialsGrant(),
                    new Scope("reports"))
                .toHTTPRequest()
                .send());
    assertThat(gh.gatehouse().store().metrics().writeStatements()).isEqualTo(writesBefore);
    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    AccessToken token = response.toSuccessResponse().getTokens().getAccessToken();

    TokenIntrospectionSuccessResponse introspected =
        introspect(token, sdkAuth(op.getIntrospectionEndpointURI(), JWSAlgorithm.ES256));
    assertThat(introspected.isActive()).isTrue();
    assertThat(introspected.getSubject().getValue()).isEqualTo("signer");

    var revoked =
        new TokenRevocationRequest(
                op.getRevocationEndpointURI(),
                sdkAuth(op.getRevocationEndpointURI(), JWSAlgorithm.RS256),
                token)
            .toHTTPRequest()
            .send();
    assertThat(revoked.getStatusCode()).isEqualTo(200);
    assertThat(introspect(token, sdkAuth(op.getTokenEndpointURI(), JWSAlgorithm.ES256)).isActive())
        .isFalse();
  }

  @Test
  void ed25519KeyAuthenticatesAtTheDeviceAuthorizationEndpoint() throws Exception {
    String assertion =
        sign(EdDsa.signer(ed), JWSAlgorithm.EdDSA, "ed-1", claims(b -> b.audience(issuer())));

    HttpResponse<String> response = post("/oidc/device_authorization", form(JWT_BEARER, assertion));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).has("device_code")).isTrue();
  }

  @Test
  void aReplayedAssertionIsRefused() throws Exception {
    String assertion = rsaSigned(claims(UnaryOperator.identity()));

    HttpResponse<String> first = post("/oidc/token", tokenForm(assertion));
    HttpResponse<String> second = post("/oidc/token", tokenForm(assertion));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertRefused(second, "already used");
  }

  @Test
  void assertionTogetherWithAnotherMethodIsAnInvalidRequest() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(gh.uri("/oidc/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic c2lnbmVyOng=")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        tokenForm(rsaSigned(claims(UnaryOperator.identity())))))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(response.body()).get("error").asText())
        .isEqualTo("invalid_request");
  }

  Stream<Arguments> refused() throws Exception {
    Instant now = Instant.now();
    String expired =
        rsaSigned(
            claims(
                b ->
                    b.expirationTime(Date.from(now.minus(Duration.ofMinutes(2))))
                        .issueTime(Date.from(now.minus(Duration.ofMinutes(4))))));
    return Stream.of(
        Arguments.of(
            "signed with a key the client did not register",
            sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1", claims(b -> b)),
            "authentication failed"),
        Arguments.of("expired two minutes ago", expired, "expired"),
        Arguments.of(
            "addressed to another server",
            rsaSigned(claims(b -> b.audience("https://elsewhere.example.test/oidc/token"))),
            "aud"),
        Arguments.of(
            "with iss not the same as sub",
            rsaSigned(claims(b -> b.subject("secretive"))),
            "iss and sub"),
        Arguments.of("without jti", rsaSigned(claims(b -> b.jwtID(null))), "jti"),
        Arguments.of("without exp", rsaSigned(claims(b -> b.expirationTime(null))), "exp"),
        Arguments.of(
            "living an hour",
            rsaSigned(claims(b -> b.expirationTime(Date.from(now.plus(Duration.ofHours(1)))))),
            "5 minutes"),
        Arguments.of(
            "issued ten minutes from now",
            rsaSigned(claims(b -> b.issueTime(Date.from(now.plus(Duration.ofMinutes(10)))))),
            "not valid yet"),
        Arguments.of(
            "unsigned, alg none", new PlainJWT(claims(b -> b)).serialize(), "not a signed JWT"),
        Arguments.of(
            "HS256 with a made-up secret",
            sign(new MACSigner(new byte[32]), JWSAlgorithm.HS256, null, claims(b -> b)),
            "authentication failed"),
        Arguments.of(
            "RS256 under the EC key's kid",
            sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "ec-1", claims(b -> b)),
            "authentication failed"),
        Arguments.of(
            "ES256 signed with the right key but another typ",
            signTyped(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", "at+jwt", claims(b -> b)),
            "typ"),
        Arguments.of(
            "for a client that has a secret and no keys",
            rsaSigned(claims(b -> b.issuer("secretive").subject("secretive"))),
            "authentication failed"),
        Arguments.of(
            "for an unknown client",
            rsaSigned(claims(b -> b.issuer("nobody").subject("nobody"))),
            "authentication failed"),
        Arguments.of("garbage", "not-a-jwt", "not a signed JWT"),
        Arguments.of("three dots of garbage", "a.b.c", "not a signed JWT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedAssertionIsA401InvalidClient(String name, String assertion, String why)
      throws Exception {
    assertRefused(post("/oidc/token", tokenForm(assertion)), why);
  }

  private void assertRefused(HttpResponse<String> response, String why) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_client");
    assertThat(body.get("error_description").asText()).contains(why);
    TokenErrorResponse parsed = TokenErrorResponse.parse(JSONObjectUtils.parse(response.body()));
    assertThat(parsed.getErrorObject().getCode()).isEqualTo("invalid_client");
  }

  private PrivateKeyJWT sdkAuth(URI audience, JWSAlgorithm alg) throws Exception {
    return alg.equals(JWSAlgorithm.RS256)
        ? new PrivateKeyJWT(SIGNER, audience, alg, rsa.toRSAPrivateKey(), rsa.getKeyID(), null)
        : new PrivateKeyJWT(SIGNER, audience, alg, ec.toECPrivateKey(), ec.getKeyID(), null);
  }

  private TokenIntrospectionSuccessResponse introspect(AccessToken token, PrivateKeyJWT auth)
      throws Exception {
    TokenIntrospectionResponse response =
        TokenIntrospectionResponse.parse(
            new TokenIntrospectionRequest(op.getIntrospectionEndpointURI(), auth, token)
                .toHTTPRequest()
                .send());
    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    return response.toSuccessResponse();
  }

  private String issuer() {
    return gh.uri("").toString();
  }

  /** Claims that pass, changed by {@code change}. */
  private JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    return change
        .apply(
            new JWTClaimsSet.Builder()
                .issuer("signer")
                .subject("signer")
                .audience(issuer() + "/oidc/token")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(2))))
                .jwtID(UUID.randomUUID().toString()))
        .build();
  }

  private String rsaSigned(JWTClaimsSet claims) throws Exception {
    return sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims);
  }

  private static String sign(
      JWSSigner signer, JWSAlgorithm alg, @Nullable String kid, JWTClaimsSet claims)
      throws Exception {
    return signTyped(signer, alg, kid, null, claims);
  }

  private static String signTyped(
      JWSSigner signer,
      JWSAlgorithm alg,
      @Nullable String kid,
      @Nullable String typ,
      JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg)
                .keyID(kid)
                .type(typ == null ? null : new JOSEObjectType(typ))
                .build(),
            claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String tokenForm(String assertion) {
    return "grant_type=client_credentials&" + form(JWT_BEARER, assertion);
  }

  private static String form(String type, String assertion) {
    return "client_assertion_type="
        + URLEncoder.encode(type, StandardCharsets.UTF_8)
        + "&client_assertion="
        + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(gh.uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
