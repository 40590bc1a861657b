package dev.gatehouse.mfa;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What {@link WebAuthn#verify} needs of a stored credential: its ID, its COSE public key as {@link
 * NewCredential#publicKey()} gave it, the last signature counter seen and whether it was backup
 * eligible at registration.
 */
public record StoredCredential(
    byte[] credentialId, byte[] publicKey, long signCount, boolean backupEligible) {
  public StoredCredential {
    credentialId = credentialId.clone();
    publicKey = publicKey.clone();
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
    return o instanceof StoredCredential that
        && Arrays.equals(credentialId, that.credentialId)
        && Arrays.equals(publicKey, that.publicKey)
        && signCount == that.signCount
        && backupEligible == that.backupEligible;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(credentialId), Arrays.hashCode(publicKey), signCount, backupEligible);
  }

  @Override
  public String toString() {
    return "StoredCredential[credentialId="
        + HexFormat.of().formatHex(credentialId)
        + ", signCount="
        + signCount
        + ", backupEligible="
        + backupEligible
        + "]";
  }
}
