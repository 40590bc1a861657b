package dev.gatehouse.store;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.event.Events;
import dev.gatehouse.testing.TestBackend;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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

  /** A unit's worth of work: one row in {@code groups_} and its event. */
  static String addGroup(Tx tx, String name) {
    tx.update("INSERT INTO groups_ (name, created_at) VALUES (?, ?)", name, 0L);
    tx.publish(new GroupAdded(name));
    return name;
  }

  static long groups(Store store) {
    return store.reads().read(q -> q.count("SELECT COUNT(*) FROM groups_"));
  }
}
