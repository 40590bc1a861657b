/**
 * Password hashing (bounded Argon2id), generated secrets (SHA-256 digests, constant-time
 * comparison) and Ed25519 JWS without Tink. Base package: imports only failure.
 */
@NullMarked
package dev.gatehouse.crypto;

import org.jspecify.annotations.NullMarked;
