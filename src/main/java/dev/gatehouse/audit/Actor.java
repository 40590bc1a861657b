package dev.gatehouse.audit;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Who did it: a user, an admin API key, an OAuth client, Gatehouse itself, or someone not signed
 * in.
 */
public record Actor(Kind kind, @Nullable String id, @Nullable String name) {
  public static final Actor SYSTEM = new Actor(Kind.SYSTEM, null, null);
  public static final Actor ANONYMOUS = new Actor(Kind.ANONYMOUS, null, null);

  /** The kinds of actor. */
  public enum Kind {
    USER,
    API_KEY,
    CLIENT,
    SYSTEM,
    ANONYMOUS;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static Actor user(String id, @Nullable String username) {
    return new Actor(Kind.USER, id, username);
  }

  public static Actor apiKey(String id, String name) {
    return new Actor(Kind.API_KEY, id, name);
  }

  public static Actor client(String clientId) {
    return new Actor(Kind.CLIENT, clientId, null);
  }
}
