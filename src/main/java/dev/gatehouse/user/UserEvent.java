package dev.gatehouse.user;

import dev.gatehouse.event.DomainEvent;

/** What changed about users, groups and memberships. */
public sealed interface UserEvent extends DomainEvent {

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
