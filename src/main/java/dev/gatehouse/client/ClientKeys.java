package dev.gatehouse.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.crypto.EdDsa;
import dev.gatehouse.failure.Failure;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The public keys a {@code private_key_jwt} client registered (its {@code jwks}), parsed once when
 * the client changes, each bound to the one JWS algorithm it verifies: RS256 for RSA, ES256 for
 * P-256, EdDSA for Ed25519. Private and symmetric key material is refused: holding it would let
 * Gatehouse, or anyone who copies its database, sign as the client.
 */
final class ClientKeys {
  static final List<String> ALGORITHMS = List.of("RS256", "ES256", "EdDSA");
  private static final int MAX_KEYS = 10;
  private static final int MIN_RSA_BITS = 2048;
  private static final int MAX_RSA_BITS = 8192;

  private record Key(@Nullable String kid, JWSAlgorithm alg, JWSVerifier verifier) {}

  private final List<Key> keys;
  private final String json;

  private ClientKeys(List<Key> keys, String json) {
    this.keys = keys;
    this.json = json;
  }

  /** The keys of a JWK Set as the admin API received it; every problem names its field. */
  static ClientKeys parse(Map<String, Object> jwks) {
    if (!(jwks.get("keys") instanceof List<?> list) || list.isEmpty()) {
      throw new Failure.Invalid("jwks", "jwks must be a JWK Set: {\"keys\": [at least one key]}");
    }
    if (list.size() > MAX_KEYS) {
      throw new Failure.Invalid("jwks", "jwks may hold at most " + MAX_KEYS + " keys");
    }
    List<Key> keys = new ArrayList<>();
    List<JWK> parsed = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String field = "jwks.keys[" + i + "]";
      JWK jwk = jwk(field, list.get(i));
      keys.add(new Key(jwk.getKeyID(), alg(field, jwk), verifier(field, jwk)));
      parsed.add(jwk);
    }
    return new ClientKeys(List.copyOf(keys), new JWKSet(parsed).toString(false));
  }

  /** The keys as stored; they were checked when written. */
  static ClientKeys stored(String json) {
    try {
      return parse(JSONObjectUtils.parse(json));
    } catch (ParseException e) {
      throw new Failure.Invalid("jwks", "jwks is not JSON");
    }
  }

  /** The JWK Set as stored and shown: public keys only. */
  String json() {
    return json;
  }

  /**
   * Whether a key of the header's algorithm (and key id, when the header names one) verifies the
   * signature. Claims are the caller's to check.
   */
  boolean verify(SignedJWT jwt) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    String kid = jwt.getHeader().getKeyID();
    for (Key key : keys) {
      if (key.alg().equals(alg) && (kid == null || kid.equals(key.kid()))) {
        try {
          if (jwt.verify(key.verifier())) {
            return true;
          }
        } catch (JOSEException | IllegalStateException e) {
          // A signature of the wrong shape for this key is no match; try the next key.
        }
      }
    }
    return false;
  }

  private static JWK jwk(String field, @Nullable Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new Failure.Invalid(field, field + " must be a JWK object");
    }
    Map<String, Object> members = new LinkedHashMap<>();
    map.forEach((k, v) -> members.put(String.valueOf(k), v));
    JWK jwk;
    try {
      jwk = JWK.parse(members);
    } catch (ParseException | RuntimeException e) {
      throw new Failure.Invalid(field, field + " is not a valid JWK: " + e.getMessage());
    }
    if (jwk.isPrivate()) {
      throw new Failure.Invalid(
          field, field + " holds private or symmetric key material; register public keys only");
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new Failure.Invalid(field, field + " must be a signing key (use sig)");
    }
    return jwk;
  }

  private static JWSAlgorithm alg(String field, JWK jwk) {
    JWSAlgorithm alg =
        switch (jwk) {
          case RSAKey rsa when rsa.size() >= MIN_RSA_BITS && rsa.size() <= MAX_RSA_BITS ->
              JWSAlgorithm.RS256;
          case ECKey ec when Curve.P_256.equals(ec.getCurve()) -> JWSAlgorithm.ES256;
          case OctetKeyPair okp when Curve.Ed25519.equals(okp.getCurve()) -> JWSAlgorithm.EdDSA;
          default ->
              throw new Failure.Invalid(
                  field,
                  field
                      + " must be an RSA key of 2048-8192 bits, a P-256 EC key or an Ed25519 key");
        };
    if (jwk.getAlgorithm() != null
        && !Objects.equals(jwk.getAlgorithm().getName(), alg.getName())) {
      throw new Failure.Invalid(field, field + " of this type must have alg " + alg.getName());
    }
    return alg;
  }

  private static JWSVerifier verifier(String field, JWK jwk) {
    try {
      return switch (jwk) {
        case RSAKey rsa -> new RSASSAVerifier(rsa);
        case ECKey ec -> new ECDSAVerifier(ec);
        case OctetKeyPair okp -> EdDsa.verifier(okp);
        default -> throw new IllegalStateException("checked by alg()");
      };
    } catch (JOSEException | IllegalStateException e) {
      throw new Failure.Invalid(field, field + " is not a usable public key");
    }
  }
}
