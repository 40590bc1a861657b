package dev.gatehouse.token;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;
import java.util.Map;

/** Grants or tokens were revoked: ids (grant ids or token ids) and when each may be forgotten. */
public record TokenEvent(Map<String, Long> revoked) implements DomainEvent {
  /** The topic of a row of {@code revocations}, keyed by the revoked id. */
  static final String TOPIC = "revocation";

  @Override
  public List<Announcement> announcements() {
    return revoked.keySet().stream().map(id -> new Announcement(TOPIC, id)).toList();
  }
}
