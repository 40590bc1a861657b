/**
 * HTTP plumbing shared by the edge features: the listener, JSON, pagination, error mapping, health.
 * Base package: may use {@code config}, {@code metrics}, {@code store} and {@code failure}.
 */
@NullMarked
package dev.gatehouse.web;

import org.jspecify.annotations.NullMarked;
