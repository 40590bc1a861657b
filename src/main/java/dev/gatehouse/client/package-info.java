/**
 * OAuth 2.0 / OIDC clients: validation, SQL and events. Domain package: uses {@code store}, {@code
 * event}, {@code crypto} and {@code failure}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.client;

import org.jspecify.annotations.NullMarked;
