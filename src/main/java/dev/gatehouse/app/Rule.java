package dev.gatehouse.app;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One access rule of an app, as the admin API sends and shows it. Rules are evaluated in order and
 * the first that matches decides: its path matcher ({@code path} prefix or {@code path_regex}),
 * optional {@code methods} and client {@code networks} (CIDR) must all match.
 *
 * @param policy {@code public}, {@code authenticated}, {@code groups} (any of {@code groups}),
 *     {@code two_factor} (a two-factor sign-in, in any of {@code groups} when given) or {@code
 *     deny}
 */
public record Rule(
    @Nullable String path,
    @Nullable String pathRegex,
    @Nullable List<String> methods,
    @Nullable List<String> networks,
    @Nullable String policy,
    @Nullable List<String> groups) {}
