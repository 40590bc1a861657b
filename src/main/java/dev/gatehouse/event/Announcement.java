package dev.gatehouse.event;

/**
 * What other nodes of a cluster must re-read after a committed change: a {@code topic} (one per
 * kind of in-memory view, such as {@code user} or {@code session}) and the {@code key} of the
 * changed row, or an empty key for "the whole topic". Carries no state: a node that hears it reads
 * the row itself, so nothing secret or stale travels between nodes.
 */
public record Announcement(String topic, String key) {
  public Announcement {
    if (topic.isEmpty() || topic.indexOf('\t') >= 0 || topic.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad topic: " + topic);
    }
    if (key.indexOf('\t') >= 0 || key.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad key for " + topic);
    }
  }
}
