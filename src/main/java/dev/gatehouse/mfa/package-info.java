/**
 * Second factors: TOTP, WebAuthn credentials and recovery codes, their storage and checks. Uses
 * crypto, store, event and failure; never web.
 */
@NullMarked
package dev.gatehouse.mfa;

import org.jspecify.annotations.NullMarked;
