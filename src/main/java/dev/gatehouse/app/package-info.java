/**
 * Protected upstream apps and their hostnames. Domain package: uses {@code store}, {@code event}
 * and {@code failure}; never {@code web}.
 */
@NullMarked
package dev.gatehouse.app;

import org.jspecify.annotations.NullMarked;
