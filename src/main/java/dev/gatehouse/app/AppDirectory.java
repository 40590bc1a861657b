package dev.gatehouse.app;

import dev.gatehouse.event.Events;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every protected app, in memory, indexed by host for the decision engine.
 *
 * <p>The index is an immutable snapshot replaced as a whole on each {@link AppEvent} (copy on
 * write): readers never lock and never see half an update, and apps change rarely enough that
 * rebuilding is cheaper than any finer-grained scheme. Events arrive on the writer thread, one at a
 * time, so replacements never race.
 */
public final class AppDirectory {
  private record Snapshot(
      Map<String, ProtectedApp> byId,
      Map<String, ProtectedApp> exact,
      List<Map.Entry<String, ProtectedApp>> wildcards) {}

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), List.of());

  public AppDirectory(Events events) {
    events.subscribe(
        AppEvent.class,
        event -> {
          Map<String, ProtectedApp> byId = new HashMap<>(snapshot.byId());
          switch (event) {
            case AppEvent.AppChanged changed ->
                byId.put(changed.app().id(), new ProtectedApp(changed.app()));
            case AppEvent.AppDeleted deleted -> byId.remove(deleted.id());
          }
          snapshot = index(byId);
        });
  }

  /** Loads every app; call once at start, before serving. */
  public void load(List<App> apps) {
    Map<String, ProtectedApp> byId = new HashMap<>();
    for (App app : apps) {
      byId.put(app.id(), new ProtectedApp(app));
    }
    snapshot = index(byId);
  }

  /**
   * The app serving {@code host}, which must be in {@link HostName#canonical} form: an exact host
   * with its port first, then without it, then the most specific wildcard ({@code *.example.com}
   * covers every name below it).
   */
  public @Nullable ProtectedApp find(String host) {
    Snapshot current = snapshot;
    ProtectedApp app = current.exact().get(host);
    if (app != null) {
      return app;
    }
    String name = HostName.withoutPort(host);
    if (name.length() != host.length()) {
      app = current.exact().get(name);
      if (app != null) {
        return app;
      }
    }
    for (Map.Entry<String, ProtectedApp> wildcard : current.wildcards()) {
      if (host.endsWith(wildcard.getKey()) || name.endsWith(wildcard.getKey())) {
        return wildcard.getValue();
      }
    }
    return null;
  }

  /** Whether {@code host}, in any spelling, belongs to a configured app; vets redirect targets. */
  public boolean isAppHost(String host) {
    String canonical = HostName.canonical(host);
    return canonical != null && find(canonical) != null;
  }

  public int size() {
    return snapshot.byId().size();
  }

  private static Snapshot index(Map<String, ProtectedApp> byId) {
    Map<String, ProtectedApp> exact = new HashMap<>();
    List<Map.Entry<String, ProtectedApp>> wildcards = new ArrayList<>();
    for (ProtectedApp app : byId.values()) {
      for (String host : app.app().hosts()) {
        if (host.startsWith("*.")) {
          wildcards.add(Map.entry(host.substring(1), app));
        } else {
          exact.put(host, app);
        }
      }
    }
    wildcards.sort(
        Comparator.comparingInt((Map.Entry<String, ProtectedApp> e) -> e.getKey().length())
            .reversed());
    return new Snapshot(Map.copyOf(byId), Map.copyOf(exact), List.copyOf(wildcards));
  }
}
