package dev.gatehouse.user;

import org.jspecify.annotations.Nullable;

/** A partial update: an absent field stays as it is (explicit nulls: {@link Users#update}). */
public record UserPatch(
    @Nullable String email,
    @Nullable String displayName,
    @Nullable String password,
    @Nullable Boolean disabled) {}
