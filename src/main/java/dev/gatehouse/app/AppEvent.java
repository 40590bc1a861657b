package dev.gatehouse.app;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/** What changed about protected apps. */
public sealed interface AppEvent extends DomainEvent {
  /** The topic of an app's row and rules, keyed by app id. */
  String TOPIC = "app";

  @Override
  default List<Announcement> announcements() {
    return List.of(
        new Announcement(
            TOPIC,
            switch (this) {
              case AppChanged changed -> changed.app().id();
              case AppDeleted deleted -> deleted.id();
            }));
  }

  /** An app was created or changed; carries its new state. */
  record AppChanged(App app) implements AppEvent {}

  /** An app was deleted. */
  record AppDeleted(String id) implements AppEvent {}
}
