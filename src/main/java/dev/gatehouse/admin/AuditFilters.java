package dev.gatehouse.admin;

import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.audit.AuditQuery;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.user.User;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Http;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The audit log's filter as a query string says it, read the same way for the admin API ({@code GET
 * /api/admin/audit}) and the console's audit page: {@code since}/{@code until}, {@code user} (id or
 * username), {@code kind} (repeated or comma-separated), {@code actor}, {@code cursor} and {@code
 * limit}. A bad value is a {@link Failure.Invalid} naming its parameter.
 */
public final class AuditFilters {
  private AuditFilters() {}

  public static AuditQuery read(RoutingContext ctx, Users users) {
    Instant since = instant(ctx, "since");
    Instant until = instant(ctx, "until");
    if (since != null && until != null && !until.isAfter(since)) {
      throw new Failure.Invalid("until", "until must be later than since");
    }
    String user = text(ctx, "user");
    return new AuditQuery(
        since,
        until,
        user,
        user == null ? null : users.findByUsername(user).map(User::id).orElse(null),
        kinds(ctx),
        text(ctx, "actor"),
        text(ctx, "cursor"),
        limit(ctx));
  }

  /**
   * An RFC 3339 time; or, as a browser's {@code datetime-local} and {@code date} inputs send them,
   * a local time or a date (its start), both taken as UTC.
   */
  private static @Nullable Instant instant(RoutingContext ctx, String name) {
    String value = text(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException notWithOffset) {
      try {
        return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notADate) {
          throw new Failure.Invalid(
              name, name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
      }
    }
  }

  /** The kinds asked for; blank entries (a select's "any kind") ask for none. */
  private static Set<AuditKind> kinds(RoutingContext ctx) {
    Set<AuditKind> kinds = EnumSet.noneOf(AuditKind.class);
    for (String value : ctx.queryParams().getAll("kind")) {
      for (String name : value.split(",", -1)) {
        if (name.isBlank()) {
          continue;
        }
        kinds.add(
            AuditKind.parse(name.strip())
                .orElseThrow(
                    () ->
                        new Failure.Invalid(
                            "kind",
                            "unknown kind '"
                                + name.strip()
                                + "'; one of "
                                + Arrays.stream(AuditKind.values())
                                    .map(AuditKind::wire)
                                    .collect(Collectors.joining(", ")))));
      }
    }
    return kinds;
  }

  private static int limit(RoutingContext ctx) {
    String value = text(ctx, "limit");
    if (value == null) {
      return AuditQuery.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= AuditQuery.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Failure.Invalid(
        "limit", "limit must be an integer from 1 to " + AuditQuery.MAX_LIMIT);
  }

  /** A query parameter, or null when absent or blank. */
  private static @Nullable String text(RoutingContext ctx, String name) {
    String value = Http.query(ctx, name, "").strip();
    return value.isEmpty() ? null : value;
  }
}
