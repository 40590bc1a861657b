package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * A browser and a software authenticator in one: reads the options {@link WebAuthn} makes and
 * answers with the JSON that {@code PublicKeyCredential.toJSON()} gives, built byte by byte as the
 * WebAuthn Level 3 spec lays it out (authenticator data §6.1, attestation object §6.5, packed §8.2)
 * with JDK crypto and a small CBOR writer, so the library under test encodes none of it. One
 * credential per instance (an ES256 or Ed25519 key); every knob is for making a bad response.
 */
final class SoftAuthenticator {
  enum Attestation {
    NONE,
    PACKED_SELF,
    PACKED_X5C
  }

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
  private static final int UP = 0x01;
  private static final int UV = 0x04;
  private static final int BE = 0x08;
  private static final int BS = 0x10;
  private static final int AT = 0x40;

  private final SecureRandom random = new SecureRandom();
  private final boolean ed25519;
  private final KeyPair key;
  private final byte[] credentialId = new byte[32];
  private final UUID aaguid = UUID.fromString("f1d0c0de-0000-4000-8000-00000000cafe");
  private byte @Nullable [] userHandle;

  String origin;
  String rpId;
  boolean userPresent = true;
  boolean userVerifying = true;
  boolean backupEligible = true;
  boolean backupState = true;
  long counter;
  boolean sendUserHandle = true;
  boolean tamperSignature;
  boolean forgeAttestation;

  /** An ES256 passkey for {@code rpId}, used from a page at {@code origin}. */
  SoftAuthenticator(String origin, String rpId) {
    this(origin, rpId, false);
  }

  SoftAuthenticator(String origin, String rpId, boolean ed25519) {
    this.origin = origin;
    this.rpId = rpId;
    this.ed25519 = ed25519;
    random.nextBytes(credentialId);
    try {
      KeyPairGenerator generator;
      if (ed25519) {
        generator = KeyPairGenerator.getInstance("Ed25519");
      } else {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      }
      key = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] credentialId() {
    return credentialId.clone();
  }

  UUID aaguid() {
    return aaguid;
  }

  /** {@code navigator.credentials.create()} then {@code toJSON()}. */
  String create(String creationOptions, Attestation attestation) {
    JsonNode options = read(creationOptions);
    userHandle = B64_DECODE.decode(options.path("user").path("id").asText());
    byte[] clientData = clientData("webauthn.create", options.path("challenge").asText());
    byte[] publicKey = coseKey();
    byte[] authData =
        ByteBuffer.allocate(37 + 16 + 2 + credentialId.length + publicKey.length)
            .put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
            .put((byte) (flags() | AT))
            .putInt((int) counter)
            .put(uuidBytes(aaguid))
            .putShort((short) credentialId.length)
            .put(credentialId)
            .put(publicKey)
            .array();
    Map<Object, Object> statement = new LinkedHashMap<>();
    String format = attestation == Attestation.NONE ? "none" : "packed";
    if (attestation != Attestation.NONE) {
      byte[] signed = concat(authData, sha256(clientData));
      if (forgeAttestation) {
        signed[0] ^= 1; // signs other bytes than the ones sent
      }
      if (attestation == Attestation.PACKED_SELF) {
        statement.put("alg", ed25519 ? -8 : -7);
        statement.put("sig", sign(key.getPrivate(), signed));
      } else {
        KeyPair attestationKey = ecKeyPair();
        statement.put("alg", -7);
        statement.put("sig", sign(attestationKey.getPrivate(), signed));
        statement.put("x5c", List.of(attestationCertificate(attestationKey)));
      }
    }
    Map<Object, Object> object = new LinkedHashMap<>();
    object.put("fmt", format);
    object.put("attStmt", statement);
    object.put("authData", authData);
    ObjectNode json = JSON.createObjectNode();
    json.put("id", B64.encodeToString(credentialId));
    json.put("rawId", B64.encodeToString(credentialId));
    ObjectNode response = json.putObject("response");
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("attestationObject", B64.encodeToString(Cbor.encode(object)));
    response.putArray("transports").add("hybrid").add("internal");
    // What Chrome's and Safari's toJSON() add beside the two required fields.
    response.put("authenticatorData", B64.encodeToString(authData));
    response.put("publicKey", B64.encodeToString(key.getPublic().getEncoded()));
    response.put("publicKeyAlgorithm", ed25519 ? -8 : -7);
    json.put("authenticatorAttachment", "platform");
    json.putObject("clientExtensionResults").putObject("credProps").put("rk", true);
    json.put("type", "public-key");
    return json.toString();
  }

  /** {@code navigator.credentials.get()} then {@code toJSON()}. */
  String get(String requestOptions) {
    JsonNode options = read(requestOptions);
    byte[] clientData = clientData("webauthn.get", options.path("challenge").asText());
    byte[] authData =
        ByteBuffer.allocate(37)
            .put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
            .put((byte) flags())
            .putInt((int) counter)
            .array();
    byte[] signature = sign(key.getPrivate(), concat(authData, sha256(clientData)));
    if (tamperSignature) {
      authData[36] ^= 1; // the counter's last byte: signed over, so the signature no longer fits
    }
    ObjectNode json = JSON.createObjectNode();
    json.put("id", B64.encodeToString(credentialId));
    json.put("rawId", B64.encodeToString(credentialId));
    ObjectNode response = json.putObject("response");
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("authenticatorData", B64.encodeToString(authData));
    response.put("signature", B64.encodeToString(signature));
    if (sendUserHandle && userHandle != null) {
      response.put("userHandle", B64.encodeToString(userHandle));
    }
    json.put("authenticatorAttachment", "platform");
    json.putObject("clientExtensionResults");
    json.put("type", "public-key");
    return json.toString();
  }

  private int flags() {
    return (userPresent ? UP : 0)
        | (userVerifying ? UV : 0)
        | (backupEligible ? BE : 0)
        | (backupState ? BS : 0);
  }

  private byte[] clientData(String type, String challenge) {
    ObjectNode data = JSON.createObjectNode();
    data.put("type", type);
    data.put("challenge", challenge);
    data.put("origin", origin);
    data.put("crossOrigin", false);
    return data.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The credential public key as a COSE_Key (RFC 9052 §7, RFC 9053 §2.1 and §2.2). */
  private byte[] coseKey() {
    Map<Object, Object> cose = new LinkedHashMap<>();
    if (ed25519) {
      byte[] spki = key.getPublic().getEncoded();
      cose.put(1, 1); // kty: OKP
      cose.put(3, -8); // alg: EdDSA
      cose.put(-1, 6); // crv: Ed25519
      cose.put(-2, Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    } else {
      ECPublicKey pub = (ECPublicKey) key.getPublic();
      cose.put(1, 2); // kty: EC2
      cose.put(3, -7); // alg: ES256
      cose.put(-1, 1); // crv: P-256
      cose.put(-2, unsigned32(pub.getW().getAffineX()));
      cose.put(-3, unsigned32(pub.getW().getAffineY()));
    }
    return Cbor.encode(cose);
  }

  /**
   * An attestation certificate as §8.2.1 asks (version 3, C/O/OU/CN subject, not a CA, the AAGUID
   * extension), issued by a throwaway root that no one trusts: {@link WebAuthn} must accept it on
   * its signature alone.
   */
  private byte[] attestationCertificate(KeyPair subjectKey) {
    try {
      KeyPair root = ecKeyPair();
      AlgorithmIdentifier ecdsaSha256 =
          new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      extensions.addExtension(
          new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4"),
          false,
          new DEROctetString(uuidBytes(aaguid)));
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, random)));
      tbs.setSignature(ecdsaSha256);
      tbs.setIssuer(new X500Name("CN=Gatehouse Test Attestation Root"));
      tbs.setSubject(
          new X500Name("C=SE,O=Gatehouse Test,OU=Authenticator Attestation,CN=Soft Authenticator"));
      Instant now = Instant.now();
      tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofDays(1)))));
      tbs.setEndDate(new Time(Date.from(now.plus(Duration.ofDays(365)))));
      tbs.setSubjectPublicKeyInfo(
          SubjectPublicKeyInfo.getInstance(subjectKey.getPublic().getEncoded()));
      tbs.setExtensions(extensions.generate());
      TBSCertificate certificate = tbs.generateTBSCertificate();
      ASN1EncodableVector signed = new ASN1EncodableVector();
      signed.add(certificate);
      signed.add(ecdsaSha256);
      signed.add(new DERBitString(sign(root.getPrivate(), certificate.getEncoded("DER"))));
      byte[] der = new DERSequence(signed).getEncoded("DER");
      CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der)); // it parses
      return der;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] sign(PrivateKey privateKey, byte[] data) {
    try {
      Signature signature =
          Signature.getInstance(
              privateKey.getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "Ed25519");
      signature.initSign(privateKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
  }

  private static byte[] unsigned32(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[32];
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, 32 - length, length);
    return out;
  }

  private static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The CBOR (RFC 8949) this authenticator needs: maps, arrays, integers, byte and text strings.
   */
  static final class Cbor {
    private Cbor() {}

    static byte[] encode(Object value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      write(out, value);
      return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
      switch (value) {
        case Integer i when i >= 0 -> head(out, 0, i);
        case Integer i -> head(out, 1, -1L - i);
        case byte[] bytes -> {
          head(out, 2, bytes.length);
          out.writeBytes(bytes);
        }
        case String text -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          head(out, 3, bytes.length);
          out.writeBytes(bytes);
        }
        case List<?> list -> {
          head(out, 4, list.size());
          list.forEach(item -> write(out, item));
        }
        case Map<?, ?> map -> {
          head(out, 5, map.size());
          map.forEach(
              (k, v) -> {
                write(out, k);
                write(out, v);
              });
        }
        default -> throw new IllegalArgumentException("no CBOR for " + value.getClass());
      }
    }

    private static void head(ByteArrayOutputStream out, int major, long argument) {
      int type = major << 5;
      if (argument < 24) {
        out.write(type | (int) argument);
      } else if (argument < 0x100) {
        out.write(type | 24);
        out.write((int) argument);
      } else if (argument < 0x10000) {
        out.write(type | 25);
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) argument).array());
      } else {
        out.write(type | 26);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
      }
    }
  }
}
