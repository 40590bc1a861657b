/**
 * The admin REST API and its OpenAPI document. Edge package: uses domain facades and {@code web};
 * never another edge package.
 */
@NullMarked
package dev.gatehouse.admin;

import org.jspecify.annotations.NullMarked;
