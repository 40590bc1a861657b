package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.SoftAuthenticator.Attestation;
import dev.gatehouse.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasskeyRegistrationAcceptsNoneAndPackedAttestationsTest {
  static final String ORIGIN = "https://login.example.com";
  static final String RP_ID = "example.com";
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();

  private final TestClock clock = new TestClock();
  private final WebAuthn webAuthn = webAuthn(clock);

  static WebAuthn webAuthn(TestClock clock) {
    return new WebAuthn(
        new RelyingParty(RP_ID, "Gatehouse", Set.of(ORIGIN)),
        new MacKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)),
        clock,
        SecureRandom::new,
        Duration.ofMinutes(5));
  }

  @Test
  void creationOptionsAskForADiscoverablePasskeyWithoutAttestation() throws Exception {
    byte[] existing = {1, 2, 3};
    JsonNode options =
        SoftAuthenticator.JSON.readTree(
            webAuthn.registrationOptions("u-123", "alice", "Alice A.", List.of(existing)));

    assertThat(options.path("rp").path("id").asText()).isEqualTo(RP_ID);
    assertThat(options.path("rp").path("name").asText()).isEqualTo("Gatehouse");
    assertThat(B64.decode(options.path("user").path("id").asText()))
        .isEqualTo("u-123".getBytes(StandardCharsets.UTF_8));
    assertThat(options.path("user").path("name").asText()).isEqualTo("alice");
    assertThat(options.path("user").path("displayName").asText()).isEqualTo("Alice A.");
    assertThat(B64.decode(options.path("challenge").asText())).hasSize(Challenges.LENGTH);
    assertThat(options.path("pubKeyCredParams").findValuesAsText("alg"))
        .containsExactly("-7", "-8", "-257");
    assertThat(options.path("timeout").asLong()).isEqualTo(300_000);
    assertThat(options.path("excludeCredentials").get(0).path("id").asText()).isEqualTo("AQID");
    assertThat(options.path("excludeCredentials").get(0).path("type").asText())
        .isEqualTo("public-key");
    JsonNode selection = options.path("authenticatorSelection");
    assertThat(selection.path("residentKey").asText()).isEqualTo("required");
    assertThat(selection.path("requireResidentKey").asBoolean()).isTrue();
    assertThat(selection.path("userVerification").asText()).isEqualTo("preferred");
    assertThat(options.path("attestation").asText()).isEqualTo("none");
  }

  @Test
  void noneAttestationFromASyncedPasskeyIsAccepted() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);

    NewCredential credential = webAuthn.register("u-1", response);

    assertThat(credential.credentialId()).isEqualTo(passkey.credentialId());
    assertThat(credential.attestationFormat()).isEqualTo("none");
    assertThat(credential.aaguid()).isEqualTo(passkey.aaguid().toString());
    assertThat(credential.signCount()).isZero();
    assertThat(credential.userVerified()).isTrue();
    assertThat(credential.backupEligible()).isTrue();
    assertThat(credential.backupState()).isTrue();
    assertThat(credential.transports()).containsExactlyInAnyOrder("hybrid", "internal");
    assertThat(credential.publicKey()).isNotEmpty();
  }

  @Test
  void packedSelfAttestationIsVerifiedByTheCredentialsOwnKey() {
    SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);
    key.userVerifying = false;
    key.backupEligible = false;
    key.backupState = false;
    key.counter = 7;

    NewCredential credential =
        webAuthn.register(
            "u-1",
            key.create(
                webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()),
                Attestation.PACKED_SELF));

    assertThat(credential.attestationFormat()).isEqualTo("packed");
    assertThat(credential.userVerified()).isFalse();
    assertThat(credential.backupEligible()).isFalse();
    assertThat(credential.signCount()).isEqualTo(7);
  }

  @Test
  void packedSelfAttestationWithEd25519IsAccepted() {
    SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID, true);

    NewCredential credential =
        webAuthn.register(
            "u-1",
            key.create(
                webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()),
                Attestation.PACKED_SELF));

    assertThat(credential.attestationFormat()).isEqualTo("packed");
  }

  @Test
  void packedX5cAttestationFromAnUntrustedRootIsAcceptedOnItsSignature() {
    SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);

    NewCredential credential =
        webAuthn.register(
            "u-1",
            key.create(
                webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()),
                Attestation.PACKED_X5C));

    assertThat(credential.attestationFormat()).isEqualTo("packed");
    assertThat(credential.aaguid()).isEqualTo(key.aaguid().toString());
  }

  @Test
  void packedAttestationsSignedByAnotherKeyAreRefused() {
    for (Attestation attestation : List.of(Attestation.PACKED_SELF, Attestation.PACKED_X5C)) {
      SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);
      key.forgeAttestation = true;
      String response =
          key.create(webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), attestation);

      assertThatThrownBy(() -> webAuthn.register("u-1", response))
          .as(attestation.name())
          .isInstanceOfSatisfying(
              Failure.Invalid.class, e -> assertThat(e.field()).isEqualTo("credential"))
          .hasMessageContaining("signature");
    }
  }

  @Test
  void aRegistrationResponseIsAcceptedOnlyOnce() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);
    webAuthn.register("u-1", response);

    assertThatThrownBy(() -> webAuthn.register("u-1", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("already used");
  }

  @Test
  void aChallengeIssuedForOneUserDoesNotRegisterForAnother() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);

    assertThatThrownBy(() -> webAuthn.register("u-2", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("not valid here");
  }

  @Test
  void aLoginChallengeDoesNotRegister() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    String options = webAuthn.registrationOptions("u-1", "alice", "Alice", List.of());
    ObjectNode withLoginChallenge = (ObjectNode) read(options);
    withLoginChallenge.put(
        "challenge",
        read(webAuthn.authenticationOptions("u-1", List.of())).path("challenge").asText());

    String response = passkey.create(withLoginChallenge.toString(), Attestation.NONE);

    assertThatThrownBy(() -> webAuthn.register("u-1", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("not valid here");
  }

  @Test
  void anExpiredRegistrationChallengeIsRefused() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);
    clock.advance(Duration.ofMinutes(5));

    assertThatThrownBy(() -> webAuthn.register("u-1", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aRegistrationFromAnotherOriginIsRefused() {
    SoftAuthenticator passkey = new SoftAuthenticator("https://evil.example.net", RP_ID);
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);

    assertThatThrownBy(() -> webAuthn.register("u-1", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("another web address");
  }

  @Test
  void aRegistrationWithoutUserPresenceIsRefused() {
    SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
    passkey.userPresent = false;
    String response =
        passkey.create(
            webAuthn.registrationOptions("u-1", "alice", "Alice", List.of()), Attestation.NONE);

    assertThatThrownBy(() -> webAuthn.register("u-1", response))
        .isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("presence");
  }

  @Test
  void garbageIsRefusedAsUnreadable() {
    for (String garbage : List.of("", "{", "[]", "{}", "{\"id\":\"x\",\"response\":{}}")) {
      assertThatThrownBy(() -> webAuthn.register("u-1", garbage))
          .as(garbage)
          .isInstanceOfSatisfying(
              Failure.Invalid.class, e -> assertThat(e.field()).isEqualTo("credential"));
    }
  }

  /**
   * A YubiKey 5 registered through Firefox: packed attestation with an x5c chain to Yubico's U2F
   * root, which Gatehouse does not hold. Recorded by py_webauthn (duo-labs/py_webauthn,
   * tests/test_verify_registration_response_packed.py,
   * test_verify_attestation_from_yubikey_firefox, BSD-3-Clause) with challenge, origin and RP ID as
   * given there; {@code transports} moved into {@code response} where WebAuthn Level 3's
   * RegistrationResponseJSON has it.
   */
  @Test
  void aRecordedYubiKeyPackedAttestationIsAcceptedWithoutItsRoot() {
    WebAuthn localhost =
        new WebAuthn(
            new RelyingParty("localhost", "py_webauthn", Set.of("http://localhost:5000")),
            new MacKey(new byte[32]),
            clock,
            SecureRandom::new,
            Duration.ofMinutes(5));
    String response =
        """
        {"id": "syGQPDZRUYdb4m3rdWeyPaIMYlbmydGp1TP_33vE_lqJ3PHNyTd0iKsnKr5WjnCcBzcesZrDEfB_RBLFzU3k4w",
         "rawId": "syGQPDZRUYdb4m3rdWeyPaIMYlbmydGp1TP_33vE_lqJ3PHNyTd0iKsnKr5WjnCcBzcesZrDEfB_RBLFzU3k4w",
         "response": {
          "attestationObject": "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEcwRQIhAOfrFlQpbavT6dJeTDJSCDzYSYPjBDHli2-syT2c1IiKAiAx5gQ2z5cHjdQX-jEHTb7JcjfQoVSW8fXszF5ihSgeOGN4NWOBWQLBMIICvTCCAaWgAwIBAgIEKudiYzANBgkqhkiG9w0BAQsFADAuMSwwKgYDVQQDEyNZdWJpY28gVTJGIFJvb3QgQ0EgU2VyaWFsIDQ1NzIwMDYzMTAgFw0xNDA4MDEwMDAwMDBaGA8yMDUwMDkwNDAwMDAwMFowbjELMAkGA1UEBhMCU0UxEjAQBgNVBAoMCVl1YmljbyBBQjEiMCAGA1UECwwZQXV0aGVudGljYXRvciBBdHRlc3RhdGlvbjEnMCUGA1UEAwweWXViaWNvIFUyRiBFRSBTZXJpYWwgNzE5ODA3MDc1MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKgOGXmBD2Z4R_xCqJVRXhL8Jr45rHjsyFykhb1USGozZENOZ3cdovf5Ke8fj2rxi5tJGn_VnW4_6iQzKdIaeP6NsMGowIgYJKwYBBAGCxAoCBBUxLjMuNi4xLjQuMS40MTQ4Mi4xLjEwEwYLKwYBBAGC5RwCAQEEBAMCBDAwIQYLKwYBBAGC5RwBAQQEEgQQbUS6m_bsLkm5MAyP6SDLczAMBgNVHRMBAf8EAjAAMA0GCSqGSIb3DQEBCwUAA4IBAQByV9A83MPhFWmEkNb4DvlbUwcjc9nmRzJjKxHc3HeK7GvVkm0H4XucVDB4jeMvTke0WHb_jFUiApvpOHh5VyMx5ydwFoKKcRs5x0_WwSWL0eTZ5WbVcHkDR9pSNcA_D_5AsUKOBcbpF5nkdVRxaQHuuIuwV4k1iK2IqtMNcU8vL6w21U261xCcWwJ6sMq4zzVO8QCKCQhsoIaWrwz828GDmPzfAjFsJiLJXuYivdHACkeJ5KHMt0mjVLpfJ2BCML7_rgbmvwL7wBW80VHfNdcKmKjkLcpEiPzwcQQhiN_qHV90t-p4iyr5xRSpurlP5zic2hlRkLKxMH2_kRjhqSn4aGF1dGhEYXRhWMRJlg3liA6MaHQ0Fw9kdmBbj-SuuaKGMseZXPO6gx2XY0UAAAA0bUS6m_bsLkm5MAyP6SDLcwBAsyGQPDZRUYdb4m3rdWeyPaIMYlbmydGp1TP_33vE_lqJ3PHNyTd0iKsnKr5WjnCcBzcesZrDEfB_RBLFzU3k46UBAgMmIAEhWCBAX_i3O3DvBnkGq_uLNk_PeAX5WwO_MIxBp0mhX6Lw7yJYIOW-1-Fch829McWvRUYAHTWZTx5IycKSGECL1UzUaK_8",
          "clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiOExCQ2lPWTNxMWNCWkhGQVd0UzRBWlpDaHpHcGh5NjdsSzdJNzB6S2k0eUM3cGdyUTJQY2g3bkFqTGsxd3E5Z3Jlc2hJQXNXMkFqaWJoWGpqSTBUbVEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
          "transports": ["nfc", "usb"]},
         "type": "public-key",
         "clientExtensionResults": {}}
        """;
    byte[] challenge =
        B64.decode(
            "8LBCiOY3q1cBZHFAWtS4AZZChzGphy67lK7I70zKi4yC7pgrQ2Pch7nAjLk1wq9greshIAsW2AjibhXjjI0TmQ");

    NewCredential credential = localhost.register(response, challenge);

    assertThat(credential.attestationFormat()).isEqualTo("packed");
    assertThat(credential.credentialId())
        .isEqualTo(
            B64.decode(
                "syGQPDZRUYdb4m3rdWeyPaIMYlbmydGp1TP_33vE_lqJ3PHNyTd0iKsnKr5WjnCcBzcesZrDEfB_RBLFzU3k4w"));
    assertThat(credential.aaguid()).isEqualTo("6d44ba9b-f6ec-2e49-b930-0c8fe920cb73");
    assertThat(credential.signCount()).isEqualTo(52);
    assertThat(credential.transports()).containsExactlyInAnyOrder("nfc", "usb");
    assertThat(credential.backupEligible()).isFalse();

    // The same recording against another challenge is what a replay to a new ceremony looks like.
    assertThatThrownBy(() -> localhost.register(response, new byte[64]))
        .isInstanceOf(Failure.Invalid.class);
  }

  static JsonNode read(String json) {
    try {
      return SoftAuthenticator.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
