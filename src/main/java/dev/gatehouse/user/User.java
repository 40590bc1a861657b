package dev.gatehouse.user;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A person who can sign in. The password hash never leaves this package. */
public record User(
    String id,
    String username,
    @Nullable String email,
    @Nullable String displayName,
    boolean disabled,
    List<String> groups,
    Instant createdAt,
    Instant updatedAt) {}
