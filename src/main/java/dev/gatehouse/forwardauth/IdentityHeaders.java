package dev.gatehouse.forwardauth;

import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The identity headers of an allowed answer, rendered by an HTTP server into its own form ({@code
 * T}) once per version of each user instead of on every request: four headers encoded to bytes on
 * every decision were a fifth of the route's CPU time. A principal is replaced whole when its user
 * changes, so an entry is current exactly while it holds the very principal the directory holds.
 *
 * <p>All four are always sent, empty when unknown: a proxy that copies them then overwrites any the
 * client sent itself, and Caddy before 2.9 would otherwise pass its own placeholder text
 * ("{http.reverse_proxy.header.Remote-User}") on as the value. Values go out as UTF-8 bytes, as
 * Authelia's do ("Zoë" must not become "Zo?"); they never hold control characters, which are
 * refused when a user is written.
 */
final class IdentityHeaders<T> {
  /** Entries of users deleted since may pile up to this many before a sweep drops them. */
  private static final int SLACK = 1024;

  private record Rendered<T>(Principal principal, List<T> headers) {}

  private final UserDirectory users;
  private final BiFunction<String, String, T> header;
  private final List<T> anonymous;
  private final Map<String, Rendered<T>> byUserId = new ConcurrentHashMap<>();

  /** {@code header} makes one header of the server's kind from a name and a value. */
  IdentityHeaders(UserDirectory users, BiFunction<String, String, T> header) {
    this.users = users;
    this.header = header;
    this.anonymous = render(null);
  }

  /** Remote-User, Remote-Groups, Remote-Email and Remote-Name of {@code principal}. */
  List<T> of(@Nullable Principal principal) {
    if (principal == null) {
      return anonymous;
    }
    Rendered<T> rendered = byUserId.get(principal.id());
    if (rendered != null && rendered.principal() == principal) {
      return rendered.headers();
    }
    rendered = new Rendered<>(principal, render(principal));
    byUserId.put(principal.id(), rendered);
    if (byUserId.size() > users.size() + SLACK) {
      byUserId.values().removeIf(r -> r.principal() != users.get(r.principal().id()));
    }
    return rendered.headers();
  }

  private List<T> render(@Nullable Principal p) {
    return List.of(
        header.apply("Remote-User", p == null ? "" : p.username()),
        header.apply("Remote-Groups", p == null ? "" : p.groupsHeader()),
        header.apply("Remote-Email", p == null || p.email() == null ? "" : p.email()),
        header.apply("Remote-Name", p == null || p.displayName() == null ? "" : p.displayName()));
  }
}
