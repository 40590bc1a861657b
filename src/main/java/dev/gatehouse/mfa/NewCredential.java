package dev.gatehouse.mfa;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A credential that passed registration, to be stored for its user.
 *
 * @param credentialId the credential ID the authenticator chose (at most 1023 bytes)
 * @param publicKey the credential public key as a COSE_Key (CBOR), what {@link WebAuthn#verify}
 *     needs back in {@link StoredCredential#publicKey()}
 * @param signCount the authenticator's signature counter at registration (0 for most passkeys)
 * @param userVerified whether the user was verified (PIN, biometrics) while registering
 * @param backupEligible whether the credential may be synced (a multi-device passkey); fixed for
 *     the credential's life, and checked again at every assertion
 * @param backupState whether it is backed up now
 * @param transports the transports the browser reported ({@code usb}, {@code nfc}, {@code ble},
 *     {@code hybrid}, {@code internal}, {@code smart-card}), possibly empty
 * @param aaguid the authenticator model's AAGUID as a UUID string (all zeros when withheld)
 * @param attestationFormat the attestation statement format ({@code none}, {@code packed}, ...)
 */
public record NewCredential(
    byte[] credentialId,
    byte[] publicKey,
    long signCount,
    boolean userVerified,
    boolean backupEligible,
    boolean backupState,
    Set<String> transports,
    String aaguid,
    String attestationFormat) {
  public NewCredential {
    credentialId = credentialId.clone();
    publicKey = publicKey.clone();
    transports = Set.copyOf(transports);
  }

  @Override
  public byte[] credentialId() {
    return credentialId.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NewCredential that
        && Arrays.equals(credentialId, that.credentialId)
        && Arrays.equals(publicKey, that.publicKey)
        && signCount == that.signCount
        && userVerified == that.userVerified
        && backupEligible == that.backupEligible
        && backupState == that.backupState
        && transports.equals(that.transports)
        && aaguid.equals(that.aaguid)
        && attestationFormat.equals(that.attestationFormat);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(credentialId),
        Arrays.hashCode(publicKey),
        signCount,
        userVerified,
        backupEligible,
        backupState,
        transports,
        aaguid,
        attestationFormat);
  }

  @Override
  public String toString() {
    return "NewCredential[credentialId="
        + HexFormat.of().formatHex(credentialId)
        + ", signCount="
        + signCount
        + ", userVerified="
        + userVerified
        + ", backupEligible="
        + backupEligible
        + ", backupState="
        + backupState
        + ", transports="
        + transports
        + ", aaguid="
        + aaguid
        + ", attestationFormat="
        + attestationFormat
        + "]";
  }
}
