package dev.gatehouse.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientDirectory;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2 and §3, OIDC Core §9): a JWT signed
 * with a key the client registered, whose {@code iss} and {@code sub} are its client_id, whose
 * {@code aud} names this provider, which expires within minutes and whose {@code jti} is used once.
 * The signature is checked before any claim, so that only the client itself learns why its
 * assertion was refused, and before the {@code jti} is spent, so that nobody else can spend it.
 */
final class ClientAssertions {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final long SKEW_MS = 60_000;
  private static final long MAX_LIFETIME_MS = 300_000;
  private static final Set<JOSEObjectType> TYPES =
      Set.of(JOSEObjectType.JWT, new JOSEObjectType("client-authentication+jwt"));

  /** Who the assertion authenticated, or why it did not. */
  sealed interface Verdict {
    record Accepted(Client client) implements Verdict {}

    record Rejected(String description) implements Verdict {}
  }

  private final ClientDirectory clients;
  private final Set<String> audiences;
  private final InstantSource clock;
  private final SeenJtis seen;

  /** {@code audiences}: the issuer and the endpoint URLs an assertion may be addressed to. */
  ClientAssertions(
      ClientDirectory clients, Set<String> audiences, InstantSource clock, int maxJtisPerClient) {
    this.clients = clients;
    this.audiences = Set.copyOf(audiences);
    this.clock = clock;
    this.seen = new SeenJtis(clock, maxJtisPerClient);
  }

  Verdict verify(String assertion) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return new Verdict.Rejected("client_assertion is not a signed JWT");
    }
    JOSEObjectType type = jwt.getHeader().getType();
    if (type != null && !TYPES.contains(type)) {
      return new Verdict.Rejected("client_assertion has the wrong typ");
    }
    String clientId = claims.getIssuer();
    if (clientId == null || !clientId.equals(claims.getSubject())) {
      return new Verdict.Rejected("client_assertion must have iss and sub both the client_id");
    }
    Client client = clientId.length() > 128 ? null : clients.authenticate(clientId, jwt);
    if (client == null) {
      return new Verdict.Rejected("client authentication failed");
    }
    String problem = problem(claims);
    if (problem != null) {
      return new Verdict.Rejected(problem);
    }
    long until = millis(claims.getExpirationTime(), 0) + SKEW_MS;
    return switch (seen.record(clientId, claims.getJWTID(), until)) {
      case FIRST -> new Verdict.Accepted(client);
      case REPLAYED -> new Verdict.Rejected("client_assertion was already used (jti)");
      case CLIENT_FULL ->
          new Verdict.Rejected(
              "too many client assertions of this client are still live; retry when some expire");
    };
  }

  /** What is wrong with the claims of a correctly signed assertion, if anything. */
  private @Nullable String problem(JWTClaimsSet claims) {
    long now = clock.millis();
    List<String> aud = claims.getAudience();
    if (aud.stream().noneMatch(audiences::contains)) {
      return "client_assertion aud must be the issuer or the token endpoint URL";
    }
    if (claims.getExpirationTime() == null) {
      return "client_assertion must have exp";
    }
    long exp = millis(claims.getExpirationTime(), 0);
    if (exp + SKEW_MS <= now) {
      return "client_assertion has expired";
    }
    if (exp - now > MAX_LIFETIME_MS + SKEW_MS) {
      return "client_assertion must expire within 5 minutes";
    }
    long notBefore =
        Math.max(millis(claims.getNotBeforeTime(), 0), millis(claims.getIssueTime(), 0));
    if (notBefore - SKEW_MS > now) {
      return "client_assertion is not valid yet (nbf or iat in the future)";
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isBlank() || jti.length() > 256) {
      return "client_assertion must have a jti of at most 256 characters";
    }
    return null;
  }

  private static long millis(@Nullable Date at, long absent) {
    return at == null ? absent : at.toInstant().toEpochMilli();
  }
}
