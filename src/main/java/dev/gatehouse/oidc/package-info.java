/**
 * The OpenID Provider's endpoints: discovery, JWKS, authorize (with consent), token, userinfo,
 * introspection, revocation, logout and the device flow. Edge package: uses domain facades ({@code
 * client}, {@code user}, {@code session}, {@code signing}, {@code token}) and {@code web}; never
 * another edge package.
 */
@NullMarked
package dev.gatehouse.oidc;

import org.jspecify.annotations.NullMarked;
