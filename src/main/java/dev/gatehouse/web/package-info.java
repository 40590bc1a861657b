/**
 * The one HTTP stack (Vert.x) and what the edge features share on it: listeners and their limits,
 * route registration with its threading rule, forms, JSON, pages, errors, CSRF, cookies, health.
 * Base package: may use {@code config}, {@code metrics}, {@code net}, {@code store} and {@code
 * failure}.
 */
@NullMarked
package dev.gatehouse.web;

import org.jspecify.annotations.NullMarked;
