package dev.gatehouse.session;

import dev.gatehouse.event.DomainEvent;
import java.util.Set;

/** What changed about login sessions. */
public sealed interface SessionEvent extends DomainEvent {

  /** A user logged in. */
  record Started(ActiveSession session) implements SessionEvent {}

  /** Sessions ended: revoked, logged out or expired (by digest). */
  record Ended(Set<String> digests) implements SessionEvent {}
}
