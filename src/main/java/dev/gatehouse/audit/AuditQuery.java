package dev.gatehouse.audit;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A filter on the log, every part optional: a time range ({@code since} inclusive, {@code until}
 * exclusive), the subject user ({@code user} as an id or a username, and {@code userId}, the id of
 * the user of that name where the caller knows it: events that recorded only the id match too),
 * kinds (any of), the actor (id, name or kind), and where the previous page ended.
 */
public record AuditQuery(
    @Nullable Instant since,
    @Nullable Instant until,
    @Nullable String user,
    @Nullable String userId,
    Set<AuditKind> kinds,
    @Nullable String actor,
    @Nullable String cursor,
    int limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public AuditQuery {
    kinds = Set.copyOf(kinds);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
    }
  }
}
