/**
 * The forward-auth endpoints and the decision engine behind them. Edge package: uses the domain
 * in-memory views ({@code app}, {@code user}, {@code session}, {@code device}) and {@code web};
 * never another edge package.
 */
@NullMarked
package dev.gatehouse.forwardauth;

import org.jspecify.annotations.NullMarked;
