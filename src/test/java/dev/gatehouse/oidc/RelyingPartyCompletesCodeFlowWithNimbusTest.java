package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relying party built on the Nimbus SDK's client side, against a real Gatehouse over loopback:
 * discovery, authorize through the real login form and consent page, token, ID token checked
 * against the JWKS, userinfo, refresh with rotation, introspection, revocation and logout.
 */
class RelyingPartyCompletesCodeFlowWithNimbusTest {
  private static final URI CALLBACK = URI.create("https://rp.example.test/callback");
  private static final URI LOGGED_OUT = URI.create("https://rp.example.test/bye");

  @TempDir Path dir;

  @Test
  void discoveryAuthorizeTokenUserinfoRefreshIntrospectRevokeLogout() throws Exception {
    try (TestGatehouse gh = Provider.start(dir)) {
      JsonNode created =
          Provider.client(
              gh,
              "{\"client_id\":\"rp\",\"name\":\"Relying Party\",\"redirect_uris\":[\""
                  + CALLBACK
                  + "\"],\"post_logout_redirect_uris\":[\""
                  + LOGGED_OUT
                  + "\"],\"scopes\":[\"openid\",\"profile\",\"email\",\"groups\"]}");
      ClientID clientId = new ClientID("rp");
      ClientSecretBasic auth =
          new ClientSecretBasic(clientId, new Secret(created.get("client_secret").asText()));

      String issuerUrl = gh.uri("").toString();
      OIDCProviderMetadata op = OIDCProviderMetadata.resolve(new Issuer(issuerUrl));
      assertThat(op.getIssuer().getValue()).isEqualTo(issuerUrl);

      // Authorize: not signed in, so the portal's login form first, then consent.
      State state = new State();
      Nonce nonce = new Nonce();
      CodeVerifier verifier = new CodeVerifier();
      URI authorize =
          new AuthenticationRequest.Builder(
                  new ResponseType("code"),
                  new Scope("openid", "profile", "email", "groups"),
                  clientId,
                  CALLBACK)
              .endpointURI(op.getAuthorizationEndpointURI())
              .state(state)
              .nonce(nonce)
              .codeChallenge(verifier, CodeChallengeMethod.S256)
              .build()
              .toURI();
      Browser browser = new Browser(gh.uri("/"));
      HttpResponse<String> toLogin = browser.get(authorize.toString());
      assertThat(toLogin.statusCode()).isEqualTo(303);
      assertThat(Browser.location(toLogin)).startsWith("/login?rd=%2Foidc%2Fauthorize");
      HttpResponse<String> back =
          browser.signIn(Browser.location(toLogin), "alice", Provider.PASSWORD);
      assertThat(back.statusCode()).isEqualTo(303);
      HttpResponse<String> consent = browser.get(Browser.location(back));
      assertThat(consent.statusCode()).isEqualTo(200);
      assertThat(consent.body()).contains("Relying Party");
      Map<String, String> form = Browser.hiddenFields(consent.body());
      form.put("decision", "allow");
      HttpResponse<String> redirect = browser.post("/oidc/authorize/consent", form);
      assertThat(redirect.statusCode()).isEqualTo(303);
      AuthorizationResponse response =
          AuthorizationResponse.parse(URI.create(Browser.location(redirect)));
      assertThat(response.indicatesSuccess()).isTrue();
      assertThat(response.getState()).isEqualTo(state);
      assertThat(response.getIssuer().getValue()).isEqualTo(issuerUrl);
      AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();

      // Token.
      TokenResponse tokenResponse =
          OIDCTokenResponseParser.parse(
              new TokenRequest(
                      op.getTokenEndpointURI(),
                      auth,
                      new AuthorizationCodeGrant(code, CALLBACK, verifier))
                  .toHTTPRequest()
                  .send());
      assertThat(tokenResponse.indicatesSuccess()).as(String.valueOf(tokenResponse)).isTrue();
      OIDCTokenResponse tokens = (OIDCTokenResponse) tokenResponse.toSuccessResponse();
      AccessToken accessToken = tokens.getOIDCTokens().getAccessToken();
      RefreshToken refreshToken = tokens.getOIDCTokens().getRefreshToken();
      assertThat(refreshToken).isNotNull();

      // The ID token's signature and claims, checked against the published JWKS.
      IDTokenValidator validator =
          new IDTokenValidator(
              op.getIssuer(), clientId, JWSAlgorithm.RS256, op.getJWKSetURI().toURL());
      IDTokenClaimsSet id = validator.validate(tokens.getOIDCTokens().getIDToken(), nonce);
      assertThat(id.getStringClaim("preferred_username")).isEqualTo("alice");
      assertThat(id.getStringClaim("name")).isEqualTo("Alice Liddell");
      assertThat(id.getStringClaim("email")).isEqualTo("alice@example.test");
      assertThat(id.getStringListClaim("groups")).containsExactly("staff");
      assertThat(id.getAuthenticationTime()).isNotNull();

      // The access token is an RFC 9068 JWT, verifiable with the same JWKS.
      DefaultJWTProcessor<SecurityContext> at = new DefaultJWTProcessor<>();
      at.setJWSTypeVerifier(
          new DefaultJOSEObjectTypeVerifier<>(new com.nimbusds.jose.JOSEObjectType("at+jwt")));
      at.setJWSKeySelector(
          new JWSVerificationKeySelector<>(
              JWSAlgorithm.RS256, JWKSourceBuilder.create(op.getJWKSetURI().toURL()).build()));
      JWTClaimsSet atClaims = at.process(accessToken.getValue(), null);
      assertThat(atClaims.getStringClaim("client_id")).isEqualTo("rp");
      assertThat(atClaims.getSubject()).isEqualTo(id.getSubject().getValue());

      // Userinfo.
      UserInfoResponse userInfo =
          UserInfoResponse.parse(
              new UserInfoRequest(
                      op.getUserInfoEndpointURI(),
                      new com.nimbusds.oauth2.sdk.token.BearerAccessToken(accessToken.getValue()))
                  .toHTTPRequest()
                  .send());
      assertThat(userInfo.indicatesSuccess()).isTrue();
      UserInfo info = userInfo.toSuccessResponse().getUserInfo();
      assertThat(info.getSubject()).isEqualTo(id.getSubject());
      assertThat(info.getPreferredUsername()).isEqualTo("alice");
      assertThat(info.getEmailAddress()).isEqualTo("alice@example.test");

      // Refresh rotates the refresh token.
      OIDCTokenResponse refreshed =
          (OIDCTokenResponse)
              OIDCTokenResponseParser.parse(
                      new TokenRequest(
                              op.getTokenEndpointURI(), auth, new RefreshTokenGrant(refreshToken))
                          .toHTTPRequest()
                          .send())
                  .toSuccessResponse();
      RefreshToken second = refreshed.getOIDCTokens().getRefreshToken();
      assertThat(second).isNotEqualTo(refreshToken);
      AccessToken secondAccess = refreshed.getOIDCTokens().getAccessToken();

      // Introspection sees the live access token.
      TokenIntrospectionResponse introspection =
          TokenIntrospectionResponse.parse(
              new TokenIntrospectionRequest(op.getIntrospectionEndpointURI(), auth, secondAccess)
                  .toHTTPRequest()
                  .send());
      assertThat(introspection.toSuccessResponse().isActive()).isTrue();
      assertThat(introspection.toSuccessResponse().getUsername()).isEqualTo("alice");

      // Revocation: the revoked token is inactive afterwards, and userinfo refuses it.
      HTTPResponse revoked =
          new TokenRevocationRequest(op.getRevocationEndpointURI(), auth, secondAccess)
              .toHTTPRequest()
              .send();
      assertThat(revoked.getStatusCode()).isEqualTo(200);
      assertThat(
              TokenIntrospectionResponse.parse(
                      new TokenIntrospectionRequest(
                              op.getIntrospectionEndpointURI(), auth, secondAccess)
                          .toHTTPRequest()
                          .send())
                  .toSuccessResponse()
                  .isActive())
          .isFalse();

      // Replaying the first (used) refresh token revokes the whole family, the rotated one too.
      TokenResponse replay =
          OIDCTokenResponseParser.parse(
              new TokenRequest(op.getTokenEndpointURI(), auth, new RefreshTokenGrant(refreshToken))
                  .toHTTPRequest()
                  .send());
      assertThat(((TokenErrorResponse) replay).getErrorObject().getCode())
          .isEqualTo("invalid_grant");
      TokenResponse afterReplay =
          OIDCTokenResponseParser.parse(
              new TokenRequest(op.getTokenEndpointURI(), auth, new RefreshTokenGrant(second))
                  .toHTTPRequest()
                  .send());
      assertThat(afterReplay.indicatesSuccess()).isFalse();

      // RP-initiated logout with an id_token_hint ends the portal session and returns with state.
      State logoutState = new State();
      URI logout =
          new LogoutRequest(
                  op.getEndSessionEndpointURI(),
                  tokens.getOIDCTokens().getIDToken(),
                  LOGGED_OUT,
                  logoutState)
              .toURI();
      HttpResponse<String> loggedOut = browser.get(logout.toString());
      assertThat(loggedOut.statusCode()).isEqualTo(303);
      assertThat(Browser.location(loggedOut))
          .isEqualTo(LOGGED_OUT + "?state=" + logoutState.getValue());
      HttpResponse<String> silent = browser.get(authorize.toString() + "&prompt=none");
      assertThat(Browser.query(Browser.location(silent))).containsEntry("error", "login_required");
    }
  }
}
