package dev.gatehouse.user;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A user as the hot path needs it: identity, whether enabled, groups, and the {@code Remote-Groups}
 * header value computed once per change instead of once per request.
 */
public record Principal(
    String id,
    String username,
    @Nullable String email,
    @Nullable String displayName,
    boolean disabled,
    Set<String> groups,
    String groupsHeader) {

  static Principal of(User user) {
    return new Principal(
        user.id(),
        user.username(),
        user.email(),
        user.displayName(),
        user.disabled(),
        Set.copyOf(user.groups()),
        String.join(",", user.groups()));
  }

  Principal withGroups(Set<String> newGroups) {
    return new Principal(
        id,
        username,
        email,
        displayName,
        disabled,
        Set.copyOf(newGroups),
        String.join(",", newGroups.stream().sorted().toList()));
  }

  /** Whether this user is in any of {@code wanted}. */
  public boolean inAny(Set<String> wanted) {
    for (String group : wanted) {
      if (groups.contains(group)) {
        return true;
      }
    }
    return false;
  }
}
