package dev.gatehouse.apikey;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/** What changed about API keys. */
public sealed interface ApiKeyEvent extends DomainEvent {
  /** The topic of an API key's row, keyed by key id. */
  String TOPIC = "api_key";

  @Override
  default List<Announcement> announcements() {
    return List.of(
        new Announcement(
            TOPIC,
            switch (this) {
              case ApiKeyCreated created -> created.key().id();
              case ApiKeyDeleted deleted -> deleted.id();
            }));
  }

  /** A key was created. */
  record ApiKeyCreated(ApiKey key, String secretDigest) implements ApiKeyEvent {}

  /** A key was deleted. */
  record ApiKeyDeleted(String id) implements ApiKeyEvent {}
}
