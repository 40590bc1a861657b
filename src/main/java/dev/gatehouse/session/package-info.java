/**
 * Login sessions: in memory for the hot path, persisted through the writer, activity flushed in
 * coalesced batches. Domain package: uses {@code user} events, {@code store}, {@code event} and
 * {@code crypto}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.session;

import org.jspecify.annotations.NullMarked;
