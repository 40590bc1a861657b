package dev.gatehouse.app;

import dev.gatehouse.event.DomainEvent;

/** What changed about protected apps. */
public sealed interface AppEvent extends DomainEvent {

  /** An app was created or changed; carries its new state. */
  record AppChanged(App app) implements AppEvent {}

  /** An app was deleted. */
  record AppDeleted(String id) implements AppEvent {}
}
