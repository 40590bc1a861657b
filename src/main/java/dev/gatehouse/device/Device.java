package dev.gatehouse.device;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A paired device: a native client that authenticates as its user with a long random token. */
public record Device(
    String id, String userId, String name, Instant createdAt, @Nullable Instant lastSeen) {}
