/** The composition root and the command line. May use every package. */
@NullMarked
package dev.gatehouse;

import org.jspecify.annotations.NullMarked;
