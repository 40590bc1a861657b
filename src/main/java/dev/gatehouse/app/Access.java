package dev.gatehouse.app;

import java.util.Set;

/**
 * What the first matching rule requires: a policy and, for {@link Policy#GROUPS} and {@link
 * Policy#TWO_FACTOR}, the groups.
 */
public record Access(Policy policy, Set<String> groups) {
  /** When no rule of an app matches, the app is still protected: sign-in is required. */
  static final Access DEFAULT = new Access(Policy.AUTHENTICATED, Set.of());
}
