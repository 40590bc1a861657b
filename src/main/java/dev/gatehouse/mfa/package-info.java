/**
 * Second factors: TOTP, WebAuthn credentials and recovery codes, their storage and checks. Uses
 * crypto, store, audit, failure, signing (to seal TOTP secrets) and session (what a sign-in
 * proved); never web.
 */
@NullMarked
package dev.gatehouse.mfa;

import org.jspecify.annotations.NullMarked;
