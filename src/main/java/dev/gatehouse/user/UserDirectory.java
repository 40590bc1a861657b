package dev.gatehouse.user;

import dev.gatehouse.event.Events;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Every user as a {@link Principal}, in memory, kept current by {@link UserEvent}s. Events are
 * applied on the writer thread after commit and before the write returns, so the decision after an
 * admin call already sees it; each principal is replaced whole, so readers never see half a change.
 */
public final class UserDirectory {
  private final Map<String, Principal> byId = new ConcurrentHashMap<>();
  private final Set<String> secondFactorGroups = ConcurrentHashMap.newKeySet();
  private final Set<String> configuredSecondFactorGroups;

  /**
   * @param secondFactorGroups groups whose members always need a second factor by configuration
   *     ({@code [mfa] require_for_admins}), whatever the group's own setting
   */
  public UserDirectory(Events events, Set<String> secondFactorGroups) {
    this.configuredSecondFactorGroups = Set.copyOf(secondFactorGroups);
    events.subscribe(UserEvent.class, this::apply);
  }

  /**
   * Loads every user and the groups that require a second factor, replacing what memory held: at
   * start, before serving, and when a cluster node reloads.
   */
  public void load(List<User> users, Set<String> secondFactorGroups) {
    byId.keySet().retainAll(users.stream().map(User::id).toList());
    for (User user : users) {
      byId.put(user.id(), Principal.of(user));
    }
    this.secondFactorGroups.retainAll(secondFactorGroups);
    this.secondFactorGroups.addAll(secondFactorGroups);
  }

  /**
   * Whether {@code principal} must sign in with a second factor: a member of a group that says so.
   */
  public boolean needsSecondFactor(Principal principal) {
    for (String group : principal.groups()) {
      if (secondFactorGroups.contains(group) || configuredSecondFactorGroups.contains(group)) {
        return true;
      }
    }
    return false;
  }

  public @Nullable Principal get(String userId) {
    return byId.get(userId);
  }

  /**
   * The user named {@code username} (case-insensitive), or null. A scan: for the rare paths that
   * need it (why a sign-in failed), not for the hot path, which looks users up by id.
   */
  public @Nullable Principal byUsername(String username) {
    String name = username.toLowerCase(java.util.Locale.ROOT);
    for (Principal principal : byId.values()) {
      if (principal.username().equals(name)) {
        return principal;
      }
    }
    return null;
  }

  public int size() {
    return byId.size();
  }

  private void apply(UserEvent event) {
    switch (event) {
      case UserEvent.UserChanged changed ->
          byId.put(changed.user().id(), Principal.of(changed.user()));
      case UserEvent.UserDeleted deleted -> byId.remove(deleted.id());
      case UserEvent.GroupCreated created -> {}
      case UserEvent.SecondFactorRequired required -> {
        if (required.required()) {
          secondFactorGroups.add(required.group());
        } else {
          secondFactorGroups.remove(required.group());
        }
      }
      case UserEvent.GroupDeleted deleted -> {
        secondFactorGroups.remove(deleted.name());
        byId.replaceAll(
            (id, p) -> p.groups().contains(deleted.name()) ? without(p, deleted.name()) : p);
      }
      case UserEvent.MembershipChanged change ->
          byId.computeIfPresent(
              change.userId(),
              (id, p) -> {
                Set<String> groups = new HashSet<>(p.groups());
                if (change.member()) {
                  groups.add(change.group());
                } else {
                  groups.remove(change.group());
                }
                return p.withGroups(groups);
              });
    }
  }

  private static Principal without(Principal p, String group) {
    Set<String> groups = new HashSet<>(p.groups());
    groups.remove(group);
    return p.withGroups(groups);
  }
}
