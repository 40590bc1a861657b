/**
 * Prometheus metrics: the listener on its own port and the HTTP request metrics. Base package: may
 * use {@code config}.
 */
@NullMarked
package dev.gatehouse.metrics;

import org.jspecify.annotations.NullMarked;
