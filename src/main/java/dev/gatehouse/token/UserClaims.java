package dev.gatehouse.token;

import dev.gatehouse.user.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The standard claims about a user that the granted scopes release (OIDC Core §5.4). */
public final class UserClaims {
  private UserClaims() {}

  /**
   * {@code sub} always; {@code profile}: preferred_username and name; {@code email}: email and
   * email_verified (addresses are set by administrators, so they count as verified); {@code
   * groups}: groups.
   */
  public static Map<String, Object> of(Principal principal, List<String> scopes) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", principal.id());
    if (scopes.contains("profile")) {
      claims.put("preferred_username", principal.username());
      claims.put(
          "name", principal.displayName() == null ? principal.username() : principal.displayName());
    }
    if (scopes.contains("email") && principal.email() != null) {
      claims.put("email", principal.email());
      claims.put("email_verified", true);
    }
    if (scopes.contains("groups")) {
      claims.put("groups", principal.groups().stream().sorted().toList());
    }
    return claims;
  }
}
