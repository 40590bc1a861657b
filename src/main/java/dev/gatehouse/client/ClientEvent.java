package dev.gatehouse.client;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/** What changed about OAuth clients. */
public sealed interface ClientEvent extends DomainEvent {
  /** The topic of a client's row, keyed by client id. */
  String TOPIC = "client";

  @Override
  default List<Announcement> announcements() {
    return List.of(
        new Announcement(
            TOPIC,
            switch (this) {
              case ClientChanged changed -> changed.client().clientId();
              case ClientDeleted deleted -> deleted.clientId();
            }));
  }

  /** A client was created or changed (including its secret); carries its new state. */
  record ClientChanged(Client client, String secretDigest) implements ClientEvent {}

  /** A client was deleted. */
  record ClientDeleted(String clientId) implements ClientEvent {}
}
