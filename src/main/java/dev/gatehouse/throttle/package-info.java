/**
 * Throttling of guesses (passwords, API keys, pairing and device codes): exponential back-off per
 * key, in bounded memory, counted in metrics. Base package: uses only config.
 */
@NullMarked
package dev.gatehouse.throttle;

import org.jspecify.annotations.NullMarked;
