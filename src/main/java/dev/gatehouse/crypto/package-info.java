/**
 * Password hashing (bounded Argon2id) and generated secrets (SHA-256 digests, constant-time
 * comparison). Base package: imports nothing of Gatehouse.
 */
@NullMarked
package dev.gatehouse.crypto;

import org.jspecify.annotations.NullMarked;
