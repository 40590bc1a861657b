package dev.gatehouse.event;

import java.util.List;

/** Something that changed in committed state; in-memory views update themselves from these. */
public interface DomainEvent {
  /**
   * What other nodes must re-read to see this change; none for events that only this node cares
   * about (the audit log's echo to stdout).
   */
  default List<Announcement> announcements() {
    return List.of();
  }
}
