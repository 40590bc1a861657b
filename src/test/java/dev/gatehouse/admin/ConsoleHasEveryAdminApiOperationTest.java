package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.console.ConsoleRoute;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API and the console stay in step: every operation of {@link AdminRoutes#ROUTES} has a
 * console route that says it is its equivalent, or is listed in {@link #API_ONLY} with the reason;
 * and no console route claims an operation the API does not have. The console's table is read from
 * a running Gatehouse: what is registered, not a list kept beside it.
 */
class ConsoleHasEveryAdminApiOperationTest {
  /** Operations deliberately left to the API, and why. */
  static final Map<String, String> API_ONLY =
      Map.of(
          "POST /api/admin/provisioning",
          "what gatehouse apply sends: a file from Git, read where the operator is; the console"
              + " refuses changes to what it manages and says so");

  @TempDir Path dir;

  @Test
  void everyApiOperationHasAConsoleEquivalentOrAReasonNotTo() {
    Set<String> api =
        AdminRoutes.ROUTES.stream()
            .map(r -> r.method().name() + " " + r.path())
            .collect(Collectors.toCollection(TreeSet::new));
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Set<String> claimed =
          gh.gatehouse().consoleRoutes().stream()
              .flatMap(r -> r.api().stream())
              .collect(Collectors.toCollection(TreeSet::new));
      Set<String> missing = new TreeSet<>(api);
      missing.removeAll(claimed);
      missing.removeAll(API_ONLY.keySet());
      assertThat(missing)
          .as(
              "admin API operations with no console equivalent: add one (ConsoleRoute's api) or"
                  + " list them in API_ONLY with the reason")
          .isEmpty();
      Set<String> unknown = new TreeSet<>(claimed);
      unknown.removeAll(api);
      assertThat(unknown).as("console routes claiming operations the API does not have").isEmpty();
      assertThat(API_ONLY.keySet())
          .as("API_ONLY operations that the console has after all")
          .doesNotContainAnyElementsOf(claimed);
      for (ConsoleRoute route : gh.gatehouse().consoleRoutes()) {
        assertThat(route.path()).startsWith("/admin");
      }
    }
  }
}
