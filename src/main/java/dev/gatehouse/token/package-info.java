/**
 * OAuth grants and the tokens issued from them: authorization codes, refresh token families,
 * consents, device codes, revocations, and the JWT access and ID tokens. Domain package: uses
 * {@code signing}, {@code client}, {@code user}, {@code store}, {@code event} and {@code crypto};
 * never {@code web}.
 */
@NullMarked
package dev.gatehouse.token;

import org.jspecify.annotations.NullMarked;
