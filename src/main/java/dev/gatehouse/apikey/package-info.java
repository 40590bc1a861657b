/**
 * Admin API keys and their in-memory index. Domain package: uses {@code store}, {@code event},
 * {@code crypto} and {@code failure}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.apikey;

import org.jspecify.annotations.NullMarked;
