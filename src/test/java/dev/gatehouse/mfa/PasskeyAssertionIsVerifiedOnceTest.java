package dev.gatehouse.mfa;

import static dev.gatehouse.mfa.PasskeyRegistrationAcceptsNoneAndPackedAttestationsTest.ORIGIN;
import static dev.gatehouse.mfa.PasskeyRegistrationAcceptsNoneAndPackedAttestationsTest.RP_ID;
import static dev.gatehouse.mfa.PasskeyRegistrationAcceptsNoneAndPackedAttestationsTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.SoftAuthenticator.Attestation;
import dev.gatehouse.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasskeyAssertionIsVerifiedOnceTest {
  private static final String ALICE = "u-alice";
  private static final String BOB = "u-bob";

  private final TestClock clock = new TestClock();
  private final WebAuthn webAuthn =
      PasskeyRegistrationAcceptsNoneAndPackedAttestationsTest.webAuthn(clock);
  private final SoftAuthenticator passkey = new SoftAuthenticator(ORIGIN, RP_ID);
  private final StoredCredential stored = register(passkey, ALICE);

  private StoredCredential register(SoftAuthenticator authenticator, String userId) {
    NewCredential credential =
        webAuthn.register(
            userId,
            authenticator.create(
                webAuthn.registrationOptions(userId, userId, userId, List.of()), Attestation.NONE));
    return new StoredCredential(
        credential.credentialId(),
        credential.publicKey(),
        credential.signCount(),
        credential.backupEligible());
  }

  private String passwordless() {
    return passkey.get(webAuthn.authenticationOptions(null, List.of()));
  }

  private String secondFactor(String userId) {
    return passkey.get(webAuthn.authenticationOptions(userId, List.of(stored.credentialId())));
  }

  @Test
  void passwordlessOptionsRequireVerificationAndListNoCredentials() {
    JsonNode options = read(webAuthn.authenticationOptions(null, List.of()));

    assertThat(options.path("rpId").asText()).isEqualTo(RP_ID);
    assertThat(options.path("userVerification").asText()).isEqualTo("required");
    assertThat(options.has("allowCredentials")).isFalse();
    assertThat(options.path("timeout").asLong()).isEqualTo(300_000);
  }

  @Test
  void secondFactorOptionsListTheUsersCredentials() {
    JsonNode options = read(webAuthn.authenticationOptions(ALICE, List.of(new byte[] {1, 2, 3})));

    assertThat(options.path("userVerification").asText()).isEqualTo("preferred");
    assertThat(options.path("allowCredentials").get(0).path("id").asText()).isEqualTo("AQID");
    assertThat(options.path("allowCredentials").get(0).path("type").asText())
        .isEqualTo("public-key");
  }

  @Test
  void aPasswordlessAssertionNamesItsUserAndVerifies() {
    passkey.counter = 0;
    String response = passwordless();

    AssertionClaim claim = webAuthn.claim(response);
    assertThat(claim.credentialId()).isEqualTo(passkey.credentialId());
    assertThat(claim.userId()).isEqualTo(ALICE);

    Asserted asserted = webAuthn.verify(response, null, stored);
    assertThat(asserted.userVerified()).isTrue();
    assertThat(asserted.backupState()).isTrue();
    assertThat(asserted.cloneWarning()).isFalse();
    assertThat(asserted.signCount()).isZero();
  }

  @Test
  void aSecondFactorAssertionVerifiesForItsUser() {
    passkey.userVerifying = false;
    passkey.counter = 5;

    Asserted asserted = webAuthn.verify(secondFactor(ALICE), ALICE, stored);

    assertThat(asserted.userVerified()).isFalse();
    assertThat(asserted.signCount()).isEqualTo(5);
    assertThat(asserted.cloneWarning()).isFalse();
  }

  @Test
  void anAssertionIsAcceptedOnlyOnce() {
    String response = passwordless();
    webAuthn.verify(response, null, stored);

    assertRefused(() -> webAuthn.verify(response, null, stored), "already used");
  }

  @Test
  void anAssertionFromAnotherOriginIsRefused() {
    passkey.origin = "https://login.example.com.evil.net";

    assertRefused(() -> webAuthn.verify(passwordless(), null, stored), "another web address");
  }

  @Test
  void anAssertionForAnotherRpIdIsRefused() {
    passkey.rpId = "evil.net";

    assertRefused(() -> webAuthn.verify(passwordless(), null, stored), "another site");
  }

  @Test
  void anExpiredChallengeIsRefused() {
    String response = passwordless();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    assertRefused(() -> webAuthn.verify(response, null, stored), "expired");
  }

  @Test
  void aChallengeIssuedForOneUserIsRefusedForAnother() {
    SoftAuthenticator bobsKey = new SoftAuthenticator(ORIGIN, RP_ID);
    StoredCredential bobs = register(bobsKey, BOB);
    // Alice's challenge, answered by Bob's key and presented as Bob's second factor.
    bobsKey.sendUserHandle = false;
    String response =
        bobsKey.get(webAuthn.authenticationOptions(ALICE, List.of(bobs.credentialId())));

    assertRefused(() -> webAuthn.verify(response, BOB, bobs), "not valid here");
  }

  @Test
  void aLoginChallengeIsRefusedAsASecondFactor() {
    assertRefused(() -> webAuthn.verify(passwordless(), ALICE, stored), "not valid here");
  }

  @Test
  void aSecondFactorChallengeIsRefusedForPasswordlessLogin() {
    assertRefused(() -> webAuthn.verify(secondFactor(ALICE), null, stored), "not valid here");
  }

  @Test
  void aCounterThatDidNotGrowWarnsOfACloneButStillVerifies() {
    passkey.counter = 10;
    Asserted first = webAuthn.verify(passwordless(), null, stored);
    StoredCredential updated =
        new StoredCredential(
            stored.credentialId(), stored.publicKey(), first.signCount(), stored.backupEligible());

    passkey.counter = 10;
    Asserted replayedCounter = webAuthn.verify(passwordless(), null, updated);
    passkey.counter = 3;
    Asserted lowerCounter = webAuthn.verify(passwordless(), null, updated);
    passkey.counter = 11;
    Asserted grown = webAuthn.verify(passwordless(), null, updated);

    assertThat(first.cloneWarning()).isFalse();
    assertThat(replayedCounter.cloneWarning()).isTrue();
    assertThat(lowerCounter.cloneWarning()).isTrue();
    assertThat(lowerCounter.signCount()).isEqualTo(3);
    assertThat(grown.cloneWarning()).isFalse();
  }

  @Test
  void missingUserVerificationIsRefusedForPasswordlessOnly() {
    passkey.userVerifying = false;

    assertRefused(() -> webAuthn.verify(passwordless(), null, stored), "did not verify you");
    assertThat(webAuthn.verify(secondFactor(ALICE), ALICE, stored).userVerified()).isFalse();
  }

  @Test
  void missingUserPresenceIsRefused() {
    passkey.userPresent = false;

    assertRefused(() -> webAuthn.verify(secondFactor(ALICE), ALICE, stored), "presence");
  }

  @Test
  void aTamperedSignatureIsRefused() {
    passkey.tamperSignature = true;

    assertRefused(() -> webAuthn.verify(passwordless(), null, stored), "signature");
  }

  @Test
  void anAssertionByAnotherCredentialIsRefused() {
    SoftAuthenticator bobsKey = new SoftAuthenticator(ORIGIN, RP_ID);
    register(bobsKey, BOB);
    String response = bobsKey.get(webAuthn.authenticationOptions(null, List.of()));

    assertRefused(() -> webAuthn.verify(response, null, stored), "not registered");
  }

  @Test
  void aUserHandleOfAnotherUserIsRefusedAsASecondFactor() {
    SoftAuthenticator bobsKey = new SoftAuthenticator(ORIGIN, RP_ID);
    StoredCredential bobs = register(bobsKey, BOB);
    String response =
        bobsKey.get(webAuthn.authenticationOptions(ALICE, List.of(bobs.credentialId())));

    assertRefused(() -> webAuthn.verify(response, ALICE, bobs), "not registered");
  }

  @Test
  void passwordlessNeedsAUserHandle() {
    passkey.sendUserHandle = false;
    String response = passwordless();

    assertThat(webAuthn.claim(response).userHandle()).isNull();
    assertRefused(() -> webAuthn.verify(response, null, stored), "not registered");
  }

  @Test
  void aBackupEligibilityThatChangedIsRefused() {
    passkey.backupEligible = false;
    passkey.backupState = false;

    assertRefused(() -> webAuthn.verify(passwordless(), null, stored), "does not match");
  }

  @Test
  void anEd25519PasskeyAuthenticates() {
    SoftAuthenticator ed = new SoftAuthenticator(ORIGIN, RP_ID, true);
    StoredCredential eds = register(ed, BOB);

    Asserted asserted =
        webAuthn.verify(ed.get(webAuthn.authenticationOptions(null, List.of())), null, eds);

    assertThat(asserted.userVerified()).isTrue();
  }

  @Test
  void aClaimOfGarbageIsRefusedAsUnreadable() {
    for (String garbage : List.of("", "nope", "{}", "{\"id\":\"***\",\"response\":{}}")) {
      assertRefused(() -> webAuthn.claim(garbage), "could not be read");
    }
    assertRefused(() -> webAuthn.verify("{}", null, stored), "could not be read");
  }

  @Test
  void aClaimReadsTheUserHandleAsBytes() {
    AssertionClaim claim = webAuthn.claim(secondFactor(ALICE));

    assertThat(claim.userHandle()).isEqualTo(ALICE.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Failure.Invalid.class, e -> assertThat(e.field()).isEqualTo("credential"))
        .hasMessageContaining(message);
  }
}
