/**
 * Typed refusals shared by every feature and mapped to HTTP once, in {@code web}. Base package:
 * imports nothing of Gatehouse.
 */
@NullMarked
package dev.gatehouse.failure;

import org.jspecify.annotations.NullMarked;
