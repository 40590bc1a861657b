package dev.gatehouse.user;

import org.jspecify.annotations.Nullable;

/** A partial update: a null field stays as it is. */
public record UserPatch(
    @Nullable String email,
    @Nullable String displayName,
    @Nullable String password,
    @Nullable Boolean disabled) {}
