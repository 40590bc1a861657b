package dev.gatehouse.app;

import java.time.Instant;
import java.util.List;

/**
 * An upstream application protected by Gatehouse: its hostnames and ordered access rules.
 *
 * @param pathCaseInsensitive whether the upstream serves {@code /Admin} as {@code /admin}, so rules
 *     must match paths in any case
 * @param bearerTokens whose OIDC access tokens forward-auth accepts for this app, as {@code
 *     Authorization: Bearer}; none by default
 */
public record App(
    String id,
    String name,
    List<String> hosts,
    List<Rule> rules,
    boolean pathCaseInsensitive,
    BearerTokens bearerTokens,
    Instant createdAt,
    Instant updatedAt) {}
