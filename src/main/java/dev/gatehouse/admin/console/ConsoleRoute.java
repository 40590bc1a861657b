package dev.gatehouse.admin.console;

import io.vertx.core.http.HttpMethod;
import java.util.List;

/**
 * One route of the console.
 *
 * @param path as Vert.x writes it ({@code /admin/users/:id})
 * @param api the admin API operations ({@code "METHOD /api/admin/..."}, as the OpenAPI document
 *     writes them) this page or form is the console's equivalent of
 */
public record ConsoleRoute(HttpMethod method, String path, Action action, List<String> api) {
  /** What a route does for an admitted admin. */
  @FunctionalInterface
  public interface Action {
    void handle(Visit visit);
  }

  static ConsoleRoute get(String path, Action action, String... api) {
    return new ConsoleRoute(HttpMethod.GET, path, action, List.of(api));
  }

  static ConsoleRoute post(String path, Action action, String... api) {
    return new ConsoleRoute(HttpMethod.POST, path, action, List.of(api));
  }
}
