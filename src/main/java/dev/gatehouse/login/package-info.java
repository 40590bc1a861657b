/**
 * The login portal: sign-in, sign-out, the account page and device pairing, rendered from JTE
 * templates. Edge package: uses domain facades and {@code web}; never another edge package.
 */
@NullMarked
package dev.gatehouse.login;

import org.jspecify.annotations.NullMarked;
