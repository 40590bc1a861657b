package dev.gatehouse.admin.console;

import dev.gatehouse.admin.AuditFilters;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.audit.AuditPage;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.user.Users;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit log at {@code /admin/audit}: newest first, filtered as the admin API filters it ({@link
 * AuditFilters}), and paged by the log's cursor, so that events recorded while reading never shift
 * a page.
 */
public final class AuditPages {
  /** The filters the form shows, in order. */
  static final List<String> FILTERS = List.of("since", "until", "user", "kind", "actor");

  /** Every kind, for the form's select. */
  public static final List<String> KINDS =
      Arrays.stream(AuditKind.values()).map(AuditKind::wire).toList();

  /**
   * The page: the filters as typed, a page of events, the links to the newest page and to older
   * events (empty when there is none), and why a filter was refused.
   */
  public record View(
      Map<String, String> filters,
      List<AuditRow> events,
      String newest,
      String older,
      FieldErrors errors) {

    public String filter(String name) {
      return filters.getOrDefault(name, "");
    }
  }

  private final Audit audit;
  private final Users users;

  AuditPages(Audit audit, Users users) {
    this.audit = audit;
    this.users = users;
  }

  List<ConsoleRoute> routes() {
    return List.of(ConsoleRoute.get("/admin/audit", this::show, "GET /api/admin/audit"));
  }

  private void show(Visit visit) {
    Map<String, String> filters = new LinkedHashMap<>();
    for (String name : FILTERS) {
      filters.put(name, visit.query(name));
    }
    String search = search(filters);
    String newest = visit.query("cursor").isEmpty() ? "" : "/admin/audit" + search;
    try {
      AuditPage page = audit.query(AuditFilters.read(visit.ctx(), users));
      String older =
          page.nextCursor() == null
              ? ""
              : "/admin/audit"
                  + (search.isEmpty() ? "?" : search + "&")
                  + "cursor="
                  + URLEncoder.encode(page.nextCursor(), StandardCharsets.UTF_8);
      render(
          visit,
          200,
          new View(
              filters,
              page.events().stream().map(AuditRow::of).toList(),
              newest,
              older,
              FieldErrors.NONE));
    } catch (Failure.Invalid e) {
      render(visit, 400, new View(filters, List.of(), newest, "", FieldErrors.of(e)));
    }
  }

  private static void render(Visit visit, int status, View view) {
    ConsolePages.render(visit, status, "/admin/audit", "audit", view);
  }

  /** The filters that are set, as a query string ({@code ?user=alice&kind=logout}), or empty. */
  private static String search(Map<String, String> filters) {
    String query =
        filters.entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? "" : "?" + query;
  }
}
