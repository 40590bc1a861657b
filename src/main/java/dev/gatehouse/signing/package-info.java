/**
 * Token signing keys: generation, sealing at rest, rotation, the published JWKS and JWS signing and
 * verification from memory. Domain package: uses {@code store}, {@code event}, {@code crypto} and
 * {@code failure}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.signing;

import org.jspecify.annotations.NullMarked;
