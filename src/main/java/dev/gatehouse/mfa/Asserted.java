package dev.gatehouse.mfa;

/**
 * A verified assertion.
 *
 * @param signCount the authenticator's counter in this assertion: store it (or the larger of it and
 *     the stored one, when {@code cloneWarning})
 * @param userVerified whether the authenticator verified the user (PIN, biometrics)
 * @param backupState whether the credential is backed up now
 * @param cloneWarning both counters are non-zero and this one did not grow: a sign, not proof, that
 *     the private key exists twice; the assertion is still valid, the caller audits it
 * @param challenge the spent challenge's nonce (base64url), for the caller to record as spent where
 *     every node sees it, with {@code challengeExpiresAt} (epoch seconds)
 */
public record Asserted(
    long signCount,
    boolean userVerified,
    boolean backupState,
    boolean cloneWarning,
    String challenge,
    long challengeExpiresAt) {}
