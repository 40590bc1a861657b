package dev.gatehouse.token;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/**
 * Every access token issued to {@code userId} at or before {@code issuedBefore} (epoch millis) is
 * revoked; {@code until} is when the last of them has expired and the cut-off may be forgotten.
 */
public record UserTokensRevoked(String userId, long issuedBefore, long until)
    implements DomainEvent {
  /** The topic of a user's token cut-off, keyed by user id. */
  static final String TOPIC = "user_tokens";

  @Override
  public List<Announcement> announcements() {
    return List.of(new Announcement(TOPIC, userId));
  }
}
