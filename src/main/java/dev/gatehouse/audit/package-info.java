/**
 * The audit log: security events (sign-ins, revocations, admin changes, key rotations, token reuse)
 * recorded through the store's writer as their own data class, queried with cursor paging, purged
 * after {@code [audit] retention_days} and optionally printed as JSON lines on stdout.
 *
 * <p>Base layer: any feature may record an event; it uses only {@code store}, {@code event} and
 * {@code failure}, never a feature package, so it knows users and keys only by id and name.
 */
@NullMarked
package dev.gatehouse.audit;

import org.jspecify.annotations.NullMarked;
