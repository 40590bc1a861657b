package dev.gatehouse.client;

import dev.gatehouse.event.DomainEvent;

/** What changed about OAuth clients. */
public sealed interface ClientEvent extends DomainEvent {

  /** A client was created or changed (including its secret); carries its new state. */
  record ClientChanged(Client client, String secretDigest) implements ClientEvent {}

  /** A client was deleted. */
  record ClientDeleted(String clientId) implements ClientEvent {}
}
