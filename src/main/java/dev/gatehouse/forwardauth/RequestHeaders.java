package dev.gatehouse.forwardauth;

import org.jspecify.annotations.Nullable;

/** A request's headers as the HTTP server that received it holds them. */
@FunctionalInterface
interface RequestHeaders {
  /** The first value of {@code header}, or null when the request has none. */
  @Nullable String get(ProxyHeader header);
}
