/**
 * The admin console at {@code /admin}: server-rendered pages for signed-in members of {@code
 * admins}, every change made through {@link dev.gatehouse.admin.Administration} as the admin API
 * makes it, every form a plain CSRF-protected post that a small script only enhances.
 */
@NullMarked
package dev.gatehouse.admin.console;

import org.jspecify.annotations.NullMarked;
