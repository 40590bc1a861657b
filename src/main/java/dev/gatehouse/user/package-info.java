/**
 * Users, groups and memberships: their rules, SQL and events. Domain package: uses {@code store},
 * {@code event}, {@code crypto} and {@code failure}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.user;

import org.jspecify.annotations.NullMarked;
