package dev.gatehouse.user;

import dev.gatehouse.event.Events;
import dev.gatehouse.store.Listing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Every user as a {@link Principal}, in memory, kept current by {@link UserEvent}s. Events are
 * applied on the writer thread after commit and before the write returns, so the decision after an
 * admin call already sees it; each principal is replaced whole, so readers never see half a change.
 */
public final class UserDirectory {
  private static final Comparator<Principal> BY_USERNAME =
      Comparator.comparing(Principal::username);

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

  /**
   * A page of the users whose username, email or display name contains {@code text} (any case),
   * ordered by username, and how many match. From memory: in the database the same search reads
   * every row twice (the page and the count), as {@code LIKE '%…%'} cannot use an index.
   */
  public Listing<Principal> search(String text, int limit, int offset) {
    String needle = Like.needle(text);
    if (needle.isEmpty()) {
      return page(p -> true, limit, offset);
    }
    return page(
        p ->
            p.username().contains(needle) // usernames are kept in lower case
                || contains(p.email(), needle)
                || contains(p.displayName(), needle),
        limit,
        offset);
  }

  /** A page of the members of {@code group}, ordered by username, and how many it has. */
  public Listing<Principal> members(String group, int limit, int offset) {
    return page(p -> p.groups().contains(group), limit, offset);
  }

  /**
   * The window {@code [offset, offset + limit)} of the principals {@code wanted} accepts, in
   * username order, and their number: one pass keeping only the first {@code offset + limit} in a
   * bounded heap, so a page of 50 out of 100,000 never sorts them all.
   */
  private Listing<Principal> page(Predicate<Principal> wanted, int limit, int offset) {
    int keep = offset + limit;
    PriorityQueue<Principal> first = new PriorityQueue<>(BY_USERNAME.reversed());
    long total = 0;
    for (Principal principal : byId.values()) {
      if (wanted.test(principal)) {
        total++;
        if (first.size() < keep) {
          first.add(principal);
        } else if (BY_USERNAME.compare(principal, first.peek()) < 0) {
          // Most candidates lose to the heap's last place at once: one comparison, no reshuffle.
          first.poll();
          first.add(principal);
        }
      }
    }
    List<Principal> ordered = new ArrayList<>(first);
    ordered.sort(BY_USERNAME);
    return new Listing<>(ordered.subList(Math.min(offset, ordered.size()), ordered.size()), total);
  }

  /**
   * Whether {@code text} contains {@code needle} (lower case, not empty) in any case, allocating
   * nothing: the case-folding comparison runs only where the first character matches.
   */
  private static boolean contains(@Nullable String text, String needle) {
    if (text == null) {
      return false;
    }
    char lower = needle.charAt(0);
    char upper = Character.toUpperCase(lower);
    for (int i = 0, last = text.length() - needle.length(); i <= last; i++) {
      char c = text.charAt(i);
      if ((c == lower || c == upper) && text.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
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
