package dev.gatehouse.app;

import java.util.Set;

/**
 * What the first matching rule requires: a policy and, for {@link Policy#GROUPS} and {@link
 * Policy#TWO_FACTOR}, the groups.
 *
 * @param rule the index of the rule in its app, or -1 when no rule decided (no rule matched, or no
 *     app serves the host); each rule's access is made once, when its app is loaded, so the hot
 *     path allocates none
 */
public record Access(Policy policy, Set<String> groups, int rule) {
  /** When no rule of an app matches, the app is still protected: sign-in is required. */
  static final Access DEFAULT = new Access(Policy.AUTHENTICATED, Set.of(), -1);

  /** What applies to a host no app serves: {@code [forward_auth] default_policy}. */
  public static Access fallback(Policy policy) {
    return new Access(policy, Set.of(), -1);
  }
}
