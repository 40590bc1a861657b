package dev.gatehouse.store;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.event.Events;
import dev.gatehouse.testing.TestBackend;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real store on a SQLite file in {@code dir} (or, in the PostgreSQL run, the directory's own
 * database: {@link TestBackend}), migrated, with the test's own event bus.
 */
final class TestStores {
  /** What the test units publish: one group row written. */
  record GroupAdded(String name) implements DomainEvent {}

  private TestStores() {}

  static Store open(Path dir, Events events) {
    return open(dir, events, Map.of());
  }

  /** As {@link #open(Path, Events)}, with configuration {@code overrides} (environment-style). */
  static Store open(Path dir, Events events, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    if (!overrides.containsKey(TestBackend.URL)) {
      env.putAll(TestBackend.env(dir));
    }
    env.putAll(overrides);
    env.put("GATEHOUSE_STORAGE_DATA_DIR", dir.toString());
    return Store.open(ConfigLoader.load(null, env), events, new PrometheusRegistry(), Set.of());
  }

  /**
   * Stands in for the time of each added group: units run one after another on the writer thread,
   * so these numbers follow the order the writer ran them in, on either backend (SQLite's rowid
   * would too, but PostgreSQL has none).
   */
  private static final AtomicLong WRITE_ORDER = new AtomicLong();

  /** A unit's worth of work: one row in {@code groups_} and its event. */
  static String addGroup(Tx tx, String name) {
    tx.update(
        "INSERT INTO groups_ (name, created_at) VALUES (?, ?)",
        name,
        WRITE_ORDER.incrementAndGet());
    tx.publish(new GroupAdded(name));
    return name;
  }

  /** The names of the groups {@link #addGroup} wrote, in the order the writer ran their units. */
  static List<String> groupsInWriteOrder(Store store) {
    return store
        .reads()
        .read(q -> q.list("SELECT name FROM groups_ ORDER BY created_at", r -> r.getString(1)));
  }

  static long groups(Store store) {
    return store.reads().read(q -> q.count("SELECT COUNT(*) FROM groups_"));
  }
}
