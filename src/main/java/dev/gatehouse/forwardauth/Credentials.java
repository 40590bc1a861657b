package dev.gatehouse.forwardauth;

import org.jspecify.annotations.Nullable;

/**
 * What the client presented: a session cookie, a device cookie, a bearer token; any may be null.
 */
record Credentials(@Nullable String session, @Nullable String device, @Nullable String bearer) {
  static final Credentials NONE = new Credentials(null, null, null);
}
