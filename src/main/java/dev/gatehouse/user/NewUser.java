package dev.gatehouse.user;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link Users#create} needs; {@code password} may be null for a user without one. */
public record NewUser(
    @Nullable String username,
    @Nullable String email,
    @Nullable String displayName,
    @Nullable String password,
    @Nullable List<String> groups) {}
