package dev.gatehouse.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.client.Client;
import dev.gatehouse.session.Amr;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.user.Principal;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** OIDC ID tokens, signed with the client's algorithm; profile claims follow the granted scopes. */
final class IdTokens {
  private final SigningKeys keys;
  private final String issuer;
  private final InstantSource clock;

  IdTokens(SigningKeys keys, String issuer, InstantSource clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.clock = clock;
  }

  String issue(
      Client client,
      Principal principal,
      List<String> scopes,
      long authTime,
      Amr amr,
      @Nullable String nonce) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(principal.id())
            .audience(client.clientId())
            .claim("azp", client.clientId())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(client.idTokenLifetimeSeconds())))
            .claim("auth_time", authTime / 1000)
            .claim("amr", amr.claim())
            .claim("acr", amr.acr());
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    for (Map.Entry<String, Object> claim : UserClaims.of(principal, scopes).entrySet()) {
      claims.claim(claim.getKey(), claim.getValue());
    }
    return keys.sign(client.signingAlg(), "JWT", claims.build());
  }
}
