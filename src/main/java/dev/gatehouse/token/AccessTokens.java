package dev.gatehouse.token;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.session.Amr;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.user.Principal;
import java.text.ParseException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * JWT access tokens (RFC 9068, {@code typ: at+jwt}), always RS256. Verification reads only memory
 * (the published keys and the revocation set), so forward-auth can accept these tokens on its hot
 * path.
 */
public final class AccessTokens {
  static final String TYPE = "at+jwt";

  private final SigningKeys keys;
  private final Revocations revocations;
  private final String issuer;
  private final InstantSource clock;

  AccessTokens(SigningKeys keys, Revocations revocations, String issuer, InstantSource clock) {
    this.keys = keys;
    this.revocations = revocations;
    this.issuer = issuer;
    this.clock = clock;
  }

  /**
   * Signs an access token for a user ({@code principal} non-null) or for the client itself, issued
   * at {@code now}.
   */
  String issue(
      String clientId,
      @Nullable Principal principal,
      @Nullable String grantId,
      @Nullable Long authTime,
      @Nullable Amr amr,
      List<String> scopes,
      long lifetimeSeconds,
      Instant now) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(principal == null ? clientId : principal.id())
            .audience(issuer)
            .claim("client_id", clientId)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
            .jwtID(UUID.randomUUID().toString())
            .claim("scope", String.join(" ", scopes));
    if (principal != null) {
      claims.claim("gid", grantId);
      if (authTime != null) {
        claims.claim("auth_time", authTime / 1000);
      }
      if (amr != null) {
        // What a resource server (and the forward-auth two_factor rule) may require of the sign-in.
        claims.claim("acr", amr.acr()).claim("amr", amr.claim());
      }
      if (scopes.contains("groups")) {
        claims.claim("groups", principal.groups().stream().sorted().toList());
      }
    }
    return keys.sign("RS256", TYPE, claims.build());
  }

  /** The claims of a live access token issued here; empty for anything else, garbage included. */
  public Optional<AccessToken> verify(String token) {
    Optional<SignedJWT> jwt = keys.verify(token);
    if (jwt.isEmpty()) {
      return Optional.empty();
    }
    try {
      var type = jwt.get().getHeader().getType();
      JWTClaimsSet claims = jwt.get().getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Date iat = claims.getIssueTime();
      String jti = claims.getJWTID();
      String sub = claims.getSubject();
      String clientId = claims.getStringClaim("client_id");
      String grantId = claims.getStringClaim("gid");
      String scope = claims.getStringClaim("scope");
      boolean multiFactor = Amr.MULTI_FACTOR.equals(claims.getClaim("acr"));
      if (type == null
          || !TYPE.equals(type.getType())
          || !issuer.equals(claims.getIssuer())
          || exp == null
          || iat == null
          || exp.toInstant().toEpochMilli() <= clock.millis()
          || jti == null
          || sub == null
          || clientId == null
          || revocations.isRevoked(jti)
          || (grantId != null && revocations.isRevoked(grantId))
          || (grantId != null && revocations.isRevoked(sub, iat.getTime()))) {
        return Optional.empty();
      }
      List<String> scopes =
          scope == null || scope.isEmpty()
              ? List.of()
              : new ArrayList<>(Arrays.asList(scope.split(" ")));
      return Optional.of(
          new AccessToken(
              jti,
              sub,
              clientId,
              List.copyOf(scopes),
              grantId,
              iat.toInstant(),
              exp.toInstant(),
              multiFactor));
    } catch (ParseException e) {
      return Optional.empty();
    }
  }
}
