package dev.gatehouse.signing;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;
import java.util.Set;

/**
 * Signing keys were generated (first start) or rotated; carries them, so this node's memory needs
 * no read. Other nodes hear only that the keys changed and read them (sealed) themselves.
 */
public record SigningEvent(List<HeldKey> added, Set<String> removed) implements DomainEvent {
  /** The topic of the signing keys, as a whole. */
  static final String TOPIC = "signing_keys";

  @Override
  public List<Announcement> announcements() {
    return List.of(new Announcement(TOPIC, ""));
  }
}
