/**
 * SQL and the single writer: the database, migrations, group commit, read pool and their counters.
 * Base package: may use {@code config} and {@code event}.
 */
@NullMarked
package dev.gatehouse.store;

import org.jspecify.annotations.NullMarked;
