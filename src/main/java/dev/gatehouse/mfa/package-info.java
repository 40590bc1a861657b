/**
 * Second factors: TOTP, WebAuthn credentials (passkeys and security keys) and recovery codes.
 * Domain package: uses {@code crypto}, {@code store}, {@code event}, {@code failure} and {@code
 * config}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.mfa;

import org.jspecify.annotations.NullMarked;
