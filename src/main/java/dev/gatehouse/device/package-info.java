/**
 * Paired devices: pairing codes, device tokens (SHA-256 digests) and their in-memory index for the
 * hot path. Domain package: uses {@code user} events, {@code store}, {@code event} and {@code
 * crypto}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.device;

import org.jspecify.annotations.NullMarked;
