package dev.gatehouse.apikey;

import dev.gatehouse.event.DomainEvent;

/** What changed about API keys. */
public sealed interface ApiKeyEvent extends DomainEvent {

  /** A key was created. */
  record ApiKeyCreated(ApiKey key, String secretDigest) implements ApiKeyEvent {}

  /** A key was deleted. */
  record ApiKeyDeleted(String id) implements ApiKeyEvent {}
}
