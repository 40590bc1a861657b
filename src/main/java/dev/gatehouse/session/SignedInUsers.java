package dev.gatehouse.session;

import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import org.jspecify.annotations.Nullable;

/**
 * Who a browser is signed in as: the live session its session cookie names, whose user exists and
 * is enabled. The one place the portal and the provider answer that; it reads memory only.
 */
public final class SignedInUsers {
  /** A live session and its enabled user. */
  public record SignedIn(ActiveSession session, Principal principal) {}

  private final Sessions sessions;
  private final UserDirectory users;

  public SignedInUsers(Sessions sessions, UserDirectory users) {
    this.sessions = sessions;
    this.users = users;
  }

  /** The signed-in user for a session cookie's value (null when there is none), or null. */
  public @Nullable SignedIn of(@Nullable String sessionToken) {
    ActiveSession session = sessionToken == null ? null : sessions.current(sessionToken);
    Principal principal = session == null ? null : users.get(session.userId());
    return principal == null || principal.disabled() ? null : new SignedIn(session, principal);
  }
}
