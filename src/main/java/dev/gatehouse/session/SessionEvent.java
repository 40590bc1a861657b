package dev.gatehouse.session;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;
import java.util.Set;

/** What changed about login sessions. */
public sealed interface SessionEvent extends DomainEvent {
  /** The topic of a session's row, keyed by the digest of its cookie. */
  String TOPIC = "session";

  @Override
  default List<Announcement> announcements() {
    return switch (this) {
      case Started started -> List.of(new Announcement(TOPIC, started.session().digest()));
      case Ended ended -> ended.digests().stream().map(d -> new Announcement(TOPIC, d)).toList();
    };
  }

  /** A user logged in. */
  record Started(ActiveSession session) implements SessionEvent {}

  /** Sessions ended: revoked, logged out or expired (by digest). */
  record Ended(Set<String> digests) implements SessionEvent {}
}
