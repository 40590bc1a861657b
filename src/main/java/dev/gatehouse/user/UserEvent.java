package dev.gatehouse.user;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/** What changed about users, groups and memberships. */
public sealed interface UserEvent extends DomainEvent {
  @Override
  default List<Announcement> announcements() {
    return List.of(
        switch (this) {
          case UserChanged changed -> new Announcement(USER, changed.user().id());
          case UserDeleted deleted -> new Announcement(USER, deleted.id());
          case MembershipChanged membership -> new Announcement(USER, membership.userId());
          case GroupCreated created -> new Announcement(GROUP, created.name());
          case SecondFactorRequired required -> new Announcement(GROUP, required.group());
          case GroupDeleted deleted -> new Announcement(GROUP, deleted.name());
        });
  }

  /** The topic of a user's row and memberships, keyed by user id. */
  String USER = "user";

  /** The topic of a group's row, keyed by name. */
  String GROUP = "group";

  /** A user was created or any of its fields changed; carries the new state. */
  record UserChanged(User user) implements UserEvent {}

  /** A user was deleted, with its memberships. */
  record UserDeleted(String id, String username) implements UserEvent {}

  /** A group was created. */
  record GroupCreated(String name) implements UserEvent {}

  /** Members of a group must (or need no longer) sign in with a second factor. */
  record SecondFactorRequired(String group, boolean required) implements UserEvent {}

  /** A group was deleted, with its memberships. */
  record GroupDeleted(String name) implements UserEvent {}

  /** A user joined ({@code member = true}) or left a group. */
  record MembershipChanged(String group, String userId, boolean member) implements UserEvent {}
}
