package dev.gatehouse.mfa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.util.CborConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.Challenge;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.attestation.statement.androidkey.AndroidKeyAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.androidsafetynet.NullAndroidSafetyNetAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.apple.AppleAnonymousAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.none.NoneAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.packed.PackedAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.tpm.TPMAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.statement.u2f.FIDOU2FAttestationStatementVerifier;
import com.webauthn4j.verifier.attestation.trustworthiness.certpath.NullCertPathTrustworthinessVerifier;
import com.webauthn4j.verifier.attestation.trustworthiness.self.NullSelfAttestationTrustworthinessVerifier;
import com.webauthn4j.verifier.exception.BadAaguidException;
import com.webauthn4j.verifier.exception.BadAlgorithmException;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadBackupEligibleFlagException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.BadTopOriginException;
import com.webauthn4j.verifier.exception.CertificateException;
import com.webauthn4j.verifier.exception.CrossOriginException;
import com.webauthn4j.verifier.exception.IllegalBackupStateException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MissingChallengeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.NotAllowedCredentialIdException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Challenges.Purpose;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * WebAuthn ceremonies for passkeys and security keys, without storage: options for the browser out,
 * verified credentials and assertions back. The caller stores credentials and finds them again by
 * {@link #claim}.
 *
 * <p>Attestation: "none" is requested, so no statement is trusted and none is needed. Formats none,
 * packed (self and x5c), fido-u2f, tpm, android-key and apple are verified for their signature over
 * this response only, never against a trust anchor: a forged statement is refused, a genuine one
 * from an unknown vendor is not. android-safetynet (a JWS from Google's retired SafetyNet service)
 * is accepted as if it were "none": its statement is not checked, which gives it exactly the trust
 * that "none" has, since nothing downstream depends on attestation.
 */
public final class WebAuthn {
  static final String FIELD = "credential";
  static final String MALFORMED = "The passkey answer could not be read. Please try again.";
  static final String NOT_OURS =
      "This passkey request is not valid here. Reload the page and try again.";
  static final String EXPIRED = "The passkey request has expired. Reload the page and try again.";
  static final String USED = "This passkey answer was already used. Reload the page and try again.";
  static final String OTHER_CREDENTIAL = "This passkey is not registered for this account.";
  private static final String OTHER_ORIGIN =
      "The passkey answered for another web address than this one.";
  private static final String OTHER_RP = "This passkey belongs to another site.";
  private static final String NOT_PRESENT =
      "The authenticator did not confirm your presence. Try again and touch it when asked.";
  private static final String NOT_VERIFIED =
      "The authenticator did not verify you (PIN, fingerprint or face). Try again and unlock it"
          + " when asked.";
  private static final String BAD_SIGNATURE = "The passkey's signature is not valid.";
  private static final String BAD_ALGORITHM =
      "This authenticator uses a signature algorithm that is not supported here.";
  private static final String BAD_ATTESTATION =
      "The authenticator's attestation could not be verified.";
  private static final String BAD_BACKUP_FLAGS =
      "The authenticator's answer does not match the registered passkey.";
  private static final String UNVERIFIED = "The passkey answer could not be verified.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
  private static final int MAX_USER_HANDLE = 64;

  /** ES256, EdDSA, RS256: in order of preference, as offered and as accepted. */
  private static final List<COSEAlgorithmIdentifier> ALGORITHMS =
      List.of(
          COSEAlgorithmIdentifier.ES256,
          COSEAlgorithmIdentifier.EdDSA,
          COSEAlgorithmIdentifier.RS256);

  private static final List<PublicKeyCredentialParameters> PUB_KEY_CRED_PARAMS =
      ALGORITHMS.stream()
          .map(alg -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, alg))
          .toList();

  private final RelyingParty rp;
  private final Set<Origin> origins;
  private final Challenges challenges;
  private volatile @Nullable Library library;

  public WebAuthn(
      RelyingParty rp,
      MacKey challengeKey,
      InstantSource clock,
      Supplier<SecureRandom> random,
      Duration challengeLifetime) {
    this.rp = rp;
    this.origins = rp.origins().stream().map(Origin::new).collect(Collectors.toUnmodifiableSet());
    this.challenges = new Challenges(challengeKey, clock, random, challengeLifetime);
  }

  /**
   * webauthn4j's converters and verifiers, with the Jackson 3 mappers under them: made at the first
   * ceremony, not at start, since most starts never see one before they are ready.
   */
  private record Library(CborConverter cbor, WebAuthnManager manager) {}

  private Library library() {
    Library loaded = library;
    if (loaded == null) {
      synchronized (this) {
        loaded = library;
        if (loaded == null) {
          loaded = load();
          library = loaded;
        }
      }
    }
    return loaded;
  }

  private static Library load() {
    ObjectConverter converter = new ObjectConverter();
    WebAuthnManager manager =
        new WebAuthnManager(
            List.of(
                new NoneAttestationStatementVerifier(),
                new PackedAttestationStatementVerifier(),
                new FIDOU2FAttestationStatementVerifier(),
                new TPMAttestationStatementVerifier(),
                new AndroidKeyAttestationStatementVerifier(),
                new AppleAnonymousAttestationStatementVerifier(),
                new NullAndroidSafetyNetAttestationStatementVerifier()),
            new NullCertPathTrustworthinessVerifier(),
            new NullSelfAttestationTrustworthinessVerifier(),
            converter);
    // Counter regressions are reported as Asserted.cloneWarning, not refused: synced passkeys and
    // some security keys make them without being cloned.
    manager.getAuthenticationDataVerifier().setMaliciousCounterValueHandler(object -> {});
    return new Library(converter.getCborConverter(), manager);
  }

  /**
   * PublicKeyCredentialCreationOptions as JSON in the WebAuthn Level 3 {@code
   * PublicKeyCredentialCreationOptionsJSON} shape (binary fields base64url without padding), for
   * {@code userId} adding a passkey.
   *
   * @param userId the user's opaque ID; its UTF-8 bytes (at most 64) become the user handle
   * @param existingCredentialIds the user's credentials, so the same authenticator is not added
   *     twice
   */
  public String registrationOptions(
      String userId, String username, String displayName, List<byte[]> existingCredentialIds) {
    byte[] userHandle = userId.getBytes(StandardCharsets.UTF_8);
    if (userHandle.length == 0 || userHandle.length > MAX_USER_HANDLE) {
      throw new IllegalArgumentException("a user handle has 1 to 64 bytes");
    }
    ObjectNode options = JSON.createObjectNode();
    options.putObject("rp").put("id", rp.id()).put("name", rp.name());
    options
        .putObject("user")
        .put("id", B64.encodeToString(userHandle))
        .put("name", username)
        .put("displayName", displayName);
    options.put("challenge", B64.encodeToString(challenges.issue(Purpose.REGISTER, userId)));
    ArrayNode params = options.putArray("pubKeyCredParams");
    for (COSEAlgorithmIdentifier alg : ALGORITHMS) {
      params.addObject().put("type", "public-key").put("alg", alg.getValue());
    }
    options.put("timeout", challenges.lifetime().toMillis());
    descriptors(options.putArray("excludeCredentials"), existingCredentialIds);
    options
        .putObject("authenticatorSelection")
        .put("residentKey", "required")
        .put("requireResidentKey", true)
        .put("userVerification", "preferred");
    options.put("attestation", "none");
    return write(options);
  }

  /**
   * Verifies a {@code RegistrationResponseJSON} (what {@code PublicKeyCredential.toJSON()} gives
   * for {@code create()}) against a challenge from {@link #registrationOptions} for {@code userId}.
   *
   * @throws Failure.Invalid (field {@code credential}) with a message for the user, on any failure
   */
  public NewCredential register(String userId, String responseJson) {
    RegistrationData data = parseRegistration(responseJson);
    byte[] challenge = challengeOf(data.getCollectedClientData());
    challenges.check(challenge, Purpose.REGISTER, userId);
    NewCredential credential = register(data, challenge);
    challenges.spend(challenge);
    return credential;
  }

  /**
   * Verifies a registration response to a challenge this class did not issue: for responses
   * recorded from real authenticators against another server's challenge. Not single use.
   */
  NewCredential register(String responseJson, byte[] issuedChallenge) {
    return register(parseRegistration(responseJson), issuedChallenge);
  }

  /**
   * PublicKeyCredentialRequestOptions as JSON ({@code PublicKeyCredentialRequestOptionsJSON}).
   *
   * @param userId null for a passwordless sign-in (conditional UI or a "sign in with a passkey"
   *     button): no allow list, so any discoverable credential answers, and user verification is
   *     required; otherwise the user who gave a password and must now prove a second factor with
   *     one of {@code allowCredentialIds} (user verification preferred)
   */
  public String authenticationOptions(@Nullable String userId, List<byte[]> allowCredentialIds) {
    ObjectNode options = JSON.createObjectNode();
    Purpose purpose = userId == null ? Purpose.LOGIN : Purpose.VERIFY;
    options.put(
        "challenge", B64.encodeToString(challenges.issue(purpose, userId == null ? "" : userId)));
    options.put("timeout", challenges.lifetime().toMillis());
    options.put("rpId", rp.id());
    if (userId != null) {
      descriptors(options.putArray("allowCredentials"), allowCredentialIds);
    }
    options.put("userVerification", userId == null ? "required" : "preferred");
    return write(options);
  }

  /**
   * The credential ID and user handle an {@code AuthenticationResponseJSON} names, without
   * verifying anything: for finding the stored credential to {@link #verify} against.
   *
   * @throws Failure.Invalid when the JSON is not an assertion response
   */
  public AssertionClaim claim(String responseJson) {
    try {
      JsonNode root = JSON.readTree(responseJson);
      JsonNode id = root.path("rawId").isTextual() ? root.path("rawId") : root.path("id");
      if (!id.isTextual() || id.asText().isEmpty() || !root.path("response").isObject()) {
        throw invalid(MALFORMED);
      }
      JsonNode handle = root.path("response").path("userHandle");
      byte[] userHandle =
          handle.isTextual() && !handle.asText().isEmpty()
              ? B64_DECODE.decode(handle.asText())
              : null;
      return new AssertionClaim(B64_DECODE.decode(id.asText()), userHandle);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw invalid(MALFORMED);
    }
  }

  /**
   * Verifies an {@code AuthenticationResponseJSON} against {@code stored}, the credential {@link
   * #claim} named: the challenge (genuine, unexpired, issued by {@link #authenticationOptions} with
   * this {@code userId}, not used before on this node), origin, RP ID, user presence, user
   * verification when {@code userId} is null, the signature, and the user handle: required and
   * returned by {@link #claim} for passwordless, equal to {@code userId} when present otherwise.
   * The caller checks that {@code stored} belongs to that user.
   *
   * @throws Failure.Invalid (field {@code credential}) with a message for the user, on any failure
   */
  public Asserted verify(String responseJson, @Nullable String userId, StoredCredential stored) {
    AuthenticationData data;
    try {
      data = library().manager().parseAuthenticationResponseJSON(responseJson);
    } catch (RuntimeException e) {
      throw invalid(MALFORMED);
    }
    if (data.getAuthenticatorData() == null || data.getCredentialId() == null) {
      throw invalid(MALFORMED);
    }
    if (!Arrays.equals(data.getCredentialId(), stored.credentialId())) {
      throw invalid(OTHER_CREDENTIAL);
    }
    byte[] userHandle = data.getUserHandle();
    boolean noHandle = userHandle == null || userHandle.length == 0;
    if (userId == null
        ? noHandle
        : !noHandle && !Arrays.equals(userHandle, userId.getBytes(StandardCharsets.UTF_8))) {
      throw invalid(OTHER_CREDENTIAL);
    }
    byte[] challenge = challengeOf(data.getCollectedClientData());
    challenges.check(
        challenge, userId == null ? Purpose.LOGIN : Purpose.VERIFY, userId == null ? "" : userId);
    CredentialRecordImpl record =
        new CredentialRecordImpl(
            null,
            null,
            stored.backupEligible(),
            null,
            stored.signCount(),
            new AttestedCredentialData(
                AAGUID.ZERO, stored.credentialId(), publicKeyOf(stored.publicKey())),
            null,
            null,
            null,
            null);
    AuthenticationParameters parameters =
        new AuthenticationParameters(
            serverProperty(challenge),
            record,
            List.of(stored.credentialId()),
            userId == null,
            true);
    try {
      library().manager().verify(data, parameters);
    } catch (RuntimeException e) {
      throw invalid(messageFor(e));
    }
    challenges.spend(challenge);
    AuthenticatorData<AuthenticationExtensionAuthenticatorOutput> authenticatorData =
        data.getAuthenticatorData();
    long count = authenticatorData.getSignCount();
    boolean cloneWarning = count != 0 && stored.signCount() != 0 && count <= stored.signCount();
    return new Asserted(
        count,
        authenticatorData.isFlagUV(),
        authenticatorData.isFlagBS(),
        cloneWarning,
        Challenges.nonce(challenge),
        Challenges.expiry(challenge));
  }

  private RegistrationData parseRegistration(String responseJson) {
    RegistrationData data;
    try {
      data = library().manager().parseRegistrationResponseJSON(responseJson);
    } catch (RuntimeException e) {
      throw invalid(MALFORMED);
    }
    AttestationObject attestation = data.getAttestationObject();
    if (attestation == null
        || attestation.getAuthenticatorData().getAttestedCredentialData() == null) {
      throw invalid(MALFORMED);
    }
    return data;
  }

  private NewCredential register(RegistrationData data, byte[] challenge) {
    try {
      // User verification preferred, not required; user presence required.
      library()
          .manager()
          .verify(
              data,
              new RegistrationParameters(
                  serverProperty(challenge), PUB_KEY_CRED_PARAMS, false, true));
    } catch (RuntimeException e) {
      throw invalid(messageFor(e));
    }
    AttestationObject attestation = data.getAttestationObject();
    AuthenticatorData<RegistrationExtensionAuthenticatorOutput> authenticatorData =
        attestation.getAuthenticatorData();
    AttestedCredentialData credential = authenticatorData.getAttestedCredentialData();
    Set<AuthenticatorTransport> transports = data.getTransports();
    return new NewCredential(
        credential.getCredentialId(),
        library().cbor().writeValueAsBytes(credential.getCOSEKey()),
        authenticatorData.getSignCount(),
        authenticatorData.isFlagUV(),
        authenticatorData.isFlagBE(),
        authenticatorData.isFlagBS(),
        transports == null
            ? Set.of()
            : transports.stream()
                .map(AuthenticatorTransport::getValue)
                .collect(Collectors.toCollection(TreeSet::new)),
        credential.getAaguid().getValue().toString(),
        attestation.getFormat());
  }

  private ServerProperty serverProperty(byte[] challenge) {
    return ServerProperty.builder()
        .origins(origins)
        .rpId(rp.id())
        .challenge(new DefaultChallenge(challenge))
        .build();
  }

  private COSEKey publicKeyOf(byte[] stored) {
    COSEKey key;
    try {
      key = library().cbor().readValue(stored, COSEKey.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a stored WebAuthn public key is not a COSE key", e);
    }
    if (key == null || !key.hasPublicKey()) {
      throw new IllegalArgumentException("a stored WebAuthn public key is not a COSE key");
    }
    return key;
  }

  private static byte[] challengeOf(@Nullable CollectedClientData clientData) {
    Challenge challenge = clientData == null ? null : clientData.getChallenge();
    if (challenge == null) {
      throw invalid(MALFORMED);
    }
    return challenge.getValue();
  }

  private static void descriptors(ArrayNode array, List<byte[]> credentialIds) {
    for (byte[] id : credentialIds) {
      array.addObject().put("type", "public-key").put("id", B64.encodeToString(id));
    }
  }

  private static String write(ObjectNode options) {
    try {
      return JSON.writeValueAsString(options);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private static String messageFor(Exception e) {
    return switch (e) {
      case BadChallengeException _, MissingChallengeException _ -> NOT_OURS;
      case BadOriginException _, BadTopOriginException _, CrossOriginException _ -> OTHER_ORIGIN;
      case BadRpIdException _ -> OTHER_RP;
      case UserNotPresentException _ -> NOT_PRESENT;
      case UserNotVerifiedException _ -> NOT_VERIFIED;
      case BadSignatureException _ -> BAD_SIGNATURE;
      case NotAllowedCredentialIdException _ -> OTHER_CREDENTIAL;
      case NotAllowedAlgorithmException _, BadAlgorithmException _ -> BAD_ALGORITHM;
      case BadAttestationStatementException _, CertificateException _, BadAaguidException _ ->
          BAD_ATTESTATION;
      case BadBackupEligibleFlagException _, IllegalBackupStateException _ -> BAD_BACKUP_FLAGS;
      case InconsistentClientDataTypeException _ -> MALFORMED;
      default -> UNVERIFIED;
    };
  }

  static Failure.Invalid invalid(String message) {
    return new Failure.Invalid(FIELD, message);
  }
}
