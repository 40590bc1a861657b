package dev.gatehouse.admin.console;

import dev.gatehouse.web.HtmlPage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders the console's templates ({@code src/main/jte/admin}), each with its {@link Frame} and its
 * view, under a policy that lets the console's one script run and forms post only to Gatehouse.
 */
final class ConsolePages {
  /** Lists show this many rows a page. */
  static final int PAGE = 50;

  private static final String CSP = HtmlPage.csp(List.of(), true);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ConsolePages() {}

  static void render(Visit visit, int status, String section, String template, Object view) {
    HtmlPage.send(
        visit.ctx().response(),
        status,
        "admin/" + template + ".jte",
        Map.of("frame", Frame.of(visit, section), "view", view),
        CSP,
        "same-origin");
  }

  /** A time as the console shows it; "never" for none. */
  static String when(@Nullable Instant at) {
    return at == null ? "never" : WHEN.format(at);
  }

  /** The zero-based page a {@code ?page=} (one-based) asks for; bad values mean the first. */
  static int page(Visit visit) {
    try {
      return Math.max(0, Integer.parseInt(visit.query("page")) - 1);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
