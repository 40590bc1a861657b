package dev.gatehouse.store;

import java.util.List;

/** One page of results and how many there are in all. */
public record Listing<T>(List<T> items, long total) {

  /** The window {@code [offset, offset + limit)} of a list already in memory. */
  public static <T> Listing<T> of(List<T> all, int limit, int offset) {
    int from = Math.min(offset, all.size());
    int to = Math.min(all.size(), from + limit);
    return new Listing<>(List.copyOf(all.subList(from, to)), all.size());
  }
}
