/**
 * The TOML configuration: every key, its default, environment overrides and validation. Base
 * package: imports nothing of Gatehouse.
 */
@NullMarked
package dev.gatehouse.config;

import org.jspecify.annotations.NullMarked;
