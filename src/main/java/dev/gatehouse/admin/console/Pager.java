package dev.gatehouse.admin.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a list stands: which rows of how many, and the links to the pages before and after (empty
 * when there is none), keeping the search.
 */
public record Pager(long first, long last, long total, String previous, String next) {
  static Pager of(String path, String query, int page, long total) {
    long first = Math.min(total, (long) page * ConsolePages.PAGE + 1);
    long last = Math.min(total, (long) (page + 1) * ConsolePages.PAGE);
    String search =
        query.isEmpty() ? "" : "q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&";
    return new Pager(
        first,
        last,
        total,
        page == 0 ? "" : path + "?" + search + "page=" + page,
        last >= total ? "" : path + "?" + search + "page=" + (page + 2));
  }
}
