/** Domain events and their in-process bus. Base package: imports nothing of Gatehouse. */
@NullMarked
package dev.gatehouse.event;

import org.jspecify.annotations.NullMarked;
