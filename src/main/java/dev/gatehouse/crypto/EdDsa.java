package dev.gatehouse.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSProvider;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * Ed25519 JWS with the JDK's own provider: Nimbus's Ed25519 classes need Tink, a large dependency
 * for two calls. Raw keys are moved in and out of the fixed DER prefixes of RFC 8410. Used for the
 * provider's own keys and for the keys clients register.
 */
public final class EdDsa {
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private EdDsa() {}

  public static OctetKeyPair generate(String kid) {
    try {
      var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] x = tail(pair.getPublic().getEncoded(), SPKI_PREFIX.length);
      byte[] d = tail(pair.getPrivate().getEncoded(), PKCS8_PREFIX.length);
      return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
          .d(Base64URL.encode(d))
          .keyID(kid)
          .algorithm(JWSAlgorithm.EdDSA)
          .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every JDK", e);
    }
  }

  public static JWSSigner signer(OctetKeyPair key) {
    return new Signer(key);
  }

  public static JWSVerifier verifier(OctetKeyPair key) {
    return new Verifier(key);
  }

  private static byte[] tail(byte[] der, int from) {
    return Arrays.copyOfRange(der, from, der.length);
  }

  private static byte[] concat(byte[] prefix, byte[] raw) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + raw.length);
    System.arraycopy(raw, 0, out, prefix.length, raw.length);
    return out;
  }

  private abstract static class Provider implements JWSProvider {
    private final JCAContext context = new JCAContext();

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }

    @Override
    public JCAContext getJCAContext() {
      return context;
    }
  }

  private static final class Signer extends Provider implements JWSSigner {
    private final PrivateKey key;

    Signer(OctetKeyPair jwk) {
      try {
        this.key =
            KeyFactory.getInstance("Ed25519")
                .generatePrivate(
                    new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, jwk.getD().decode())));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("not an Ed25519 private key", e);
      }
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      try {
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(key);
        signature.update(signingInput);
        return Base64URL.encode(signature.sign());
      } catch (GeneralSecurityException e) {
        throw new JOSEException("Ed25519 signing failed", e);
      }
    }
  }

  private static final class Verifier extends Provider implements JWSVerifier {
    private final PublicKey key;

    Verifier(OctetKeyPair jwk) {
      try {
        this.key =
            KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, jwk.getX().decode())));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("not an Ed25519 public key", e);
      }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) {
      try {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(signedContent);
        return verifier.verify(signature.decode());
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }
}
