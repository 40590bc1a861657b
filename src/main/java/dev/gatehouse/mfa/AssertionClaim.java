package dev.gatehouse.mfa;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * What an assertion says about itself before anything is verified: which credential signed it and,
 * for a discoverable credential, the user handle it was created with (the user ID's UTF-8 bytes).
 * Only good for looking the credential up; {@link WebAuthn#verify} decides whether to believe it.
 */
public record AssertionClaim(byte[] credentialId, byte @Nullable [] userHandle) {
  public AssertionClaim {
    credentialId = credentialId.clone();
    userHandle = userHandle == null ? null : userHandle.clone();
  }

  @Override
  public byte[] credentialId() {
    return credentialId.clone();
  }

  @Override
  public byte @Nullable [] userHandle() {
    return userHandle == null ? null : userHandle.clone();
  }

  /** The user handle as the user ID it was made from, or null when the response carried none. */
  public @Nullable String userId() {
    return userHandle == null ? null : new String(userHandle, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AssertionClaim that
        && Arrays.equals(credentialId, that.credentialId)
        && Arrays.equals(userHandle, that.userHandle);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(credentialId) + Arrays.hashCode(userHandle);
  }

  @Override
  public String toString() {
    return "AssertionClaim[credentialId="
        + HexFormat.of().formatHex(credentialId)
        + ", userHandle="
        + (userHandle == null ? "null" : HexFormat.of().formatHex(userHandle))
        + "]";
  }
}
