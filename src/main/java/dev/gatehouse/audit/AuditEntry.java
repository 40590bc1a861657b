package dev.gatehouse.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An event to record: what happened, who did it, to whom and to what, from where, why, and a small
 * summary in {@code details}. Built with {@link #of} and the {@code with}-style methods.
 *
 * <p>{@code details} is scrubbed on construction: a field whose name ends in a word such as {@code
 * secret}, {@code password}, {@code hash} or {@code token} is dropped at any depth, so a summary
 * made from an object that carries a credential cannot store it. Free text is capped, so an
 * attacker cannot fill the log with a few huge user agents.
 */
public record AuditEntry(
    AuditKind kind,
    Actor actor,
    @Nullable String subjectUserId,
    @Nullable String subjectUsername,
    @Nullable String objectType,
    @Nullable String objectId,
    @Nullable String ip,
    @Nullable String userAgent,
    @Nullable String reason,
    Map<String, Object> details) {
  private static final int MAX_TEXT = 256;
  private static final int MAX_USER_AGENT = 512;

  /** Last words of field names that name a credential or something derived from one. */
  private static final Set<String> SECRET_WORDS =
      Set.of("secret", "password", "hash", "digest", "token", "key", "jwk", "jwks", "sealed");

  public AuditEntry {
    subjectUsername =
        subjectUsername == null ? null : cap(subjectUsername.toLowerCase(Locale.ROOT), MAX_TEXT);
    objectId = cap(objectId, MAX_TEXT);
    ip = cap(ip, MAX_TEXT);
    userAgent = cap(userAgent, MAX_USER_AGENT);
    reason = cap(reason, MAX_TEXT);
    details = scrub(details);
  }

  public static AuditEntry of(AuditKind kind, Actor actor) {
    return new AuditEntry(kind, actor, null, null, null, null, null, null, null, Map.of());
  }

  /** The user the event is about: by id, by name, or both. */
  public AuditEntry subject(@Nullable String userId, @Nullable String username) {
    return new AuditEntry(
        kind, actor, userId, username, objectType, objectId, ip, userAgent, reason, details);
  }

  /** The thing changed: {@code user}, {@code client}, {@code session}... and its id. */
  public AuditEntry object(String type, @Nullable String id) {
    return new AuditEntry(
        kind, actor, subjectUserId, subjectUsername, type, id, ip, userAgent, reason, details);
  }

  /** Where the request came from. */
  public AuditEntry from(@Nullable String ip, @Nullable String userAgent) {
    return new AuditEntry(
        kind,
        actor,
        subjectUserId,
        subjectUsername,
        objectType,
        objectId,
        ip,
        userAgent,
        reason,
        details);
  }

  public AuditEntry reason(String reason) {
    return new AuditEntry(
        kind,
        actor,
        subjectUserId,
        subjectUsername,
        objectType,
        objectId,
        ip,
        userAgent,
        reason,
        details);
  }

  /** A summary of the change (for admin changes {@code action}, {@code before}, {@code after}). */
  public AuditEntry details(Map<String, ?> details) {
    return new AuditEntry(
        kind,
        actor,
        subjectUserId,
        subjectUsername,
        objectType,
        objectId,
        ip,
        userAgent,
        reason,
        new LinkedHashMap<>(details));
  }

  private static @Nullable String cap(@Nullable String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  /** A copy of {@code map} without credential-named fields, nulls kept out, at any depth. */
  static Map<String, Object> scrub(Map<String, ?> map) {
    Map<String, Object> clean = new LinkedHashMap<>();
    map.forEach(
        (name, value) -> {
          if (value != null && !namesASecret(name)) {
            clean.put(name, scrubValue(value));
          }
        });
    return java.util.Collections.unmodifiableMap(clean);
  }

  private static Object scrubValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> named = new LinkedHashMap<>();
      map.forEach((k, v) -> named.put(String.valueOf(k), v));
      return scrub(named);
    }
    if (value instanceof List<?> list) {
      return list.stream().filter(v -> v != null).map(AuditEntry::scrubValue).toList();
    }
    return value;
  }

  /**
   * {@code client_secret}, {@code passwordHash}, {@code token}: yes; {@code
   * token_endpoint_auth_method}: no.
   */
  static boolean namesASecret(String field) {
    String[] words = field.split("_|(?<=[a-z0-9])(?=[A-Z])");
    return SECRET_WORDS.contains(words[words.length - 1].toLowerCase(Locale.ROOT));
  }
}
