package dev.gatehouse.app;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Protected apps and their hostnames. */
public final class Apps {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  private static final Pattern HOST =
      Pattern.compile(
          "^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\\d{1,5})?$");

  private final Writer writer;
  private final Reads reads;
  private final InstantSource clock;

  public Apps(Writer writer, Reads reads, InstantSource clock) {
    this.writer = writer;
    this.reads = reads;
    this.clock = clock;
  }

  public App create(AppRequest request) {
    String name = name(request.name());
    List<String> hosts = hosts(request.hosts());
    List<Rule> rules = rules(request.rules() == null ? List.of() : request.rules());
    return writer.write(
        tx -> {
          if (tx.count("SELECT COUNT(*) FROM apps WHERE name = ?", name) > 0) {
            throw new Failure.Conflict("name", "an app named " + name + " exists");
          }
          String id = UUID.randomUUID().toString();
          long now = clock.millis();
          tx.update(
              "INSERT INTO apps (id, name, rules_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
              id,
              name,
              RulesJson.write(rules),
              now,
              now);
          return saveHosts(tx, id, hosts);
        });
  }

  public App update(String id, AppRequest request) {
    String name = request.name() == null ? null : name(request.name());
    List<String> hosts = request.hosts() == null ? null : hosts(request.hosts());
    List<Rule> rules = request.rules() == null ? null : rules(request.rules());
    return writer.write(
        tx -> {
          App current = load(tx, id).orElseThrow(() -> notFound(id));
          if (name != null
              && tx.count("SELECT COUNT(*) FROM apps WHERE name = ? AND id <> ?", name, id) > 0) {
            throw new Failure.Conflict("name", "an app named " + name + " exists");
          }
          tx.update(
              "UPDATE apps SET name = ?, rules_json = ?, updated_at = ? WHERE id = ?",
              name != null ? name : current.name(),
              RulesJson.write(rules != null ? rules : current.rules()),
              clock.millis(),
              id);
          if (hosts == null) {
            App app = load(tx, id).orElseThrow();
            tx.publish(new AppEvent.AppChanged(app));
            return app;
          }
          tx.update("DELETE FROM app_hosts WHERE app_id = ?", id);
          return saveHosts(tx, id, hosts);
        });
  }

  private static App saveHosts(Tx tx, String id, List<String> hosts) {
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      Optional<String> owner =
          tx.one(
              "SELECT a.name FROM app_hosts h JOIN apps a ON a.id = h.app_id WHERE h.host = ?",
              row -> row.getString(1),
              host);
      if (owner.isPresent()) {
        throw new Failure.Conflict("hosts[" + i + "]", host + " already belongs to " + owner.get());
      }
      tx.update("INSERT INTO app_hosts (host, app_id) VALUES (?, ?)", host, id);
    }
    App app = load(tx, id).orElseThrow();
    tx.publish(new AppEvent.AppChanged(app));
    return app;
  }

  public App get(String id) {
    return reads.read(q -> load(q, id)).orElseThrow(() -> notFound(id));
  }

  public Listing<App> list(int limit, int offset) {
    return reads.read(
        q -> {
          List<String> ids =
              q.list(
                  "SELECT id FROM apps ORDER BY name LIMIT ? OFFSET ?",
                  row -> row.getString(1),
                  limit,
                  offset);
          List<App> apps = new ArrayList<>();
          for (String id : ids) {
            load(q, id).ifPresent(apps::add);
          }
          return new Listing<>(apps, q.count("SELECT COUNT(*) FROM apps"));
        });
  }

  /** Every app; for loading in-memory views at start. */
  public List<App> all() {
    return reads.read(
        q -> {
          Map<String, List<String>> hosts = new HashMap<>();
          q.list(
                  "SELECT app_id, host FROM app_hosts ORDER BY host",
                  row -> Map.entry(row.getString(1), row.getString(2)))
              .forEach(
                  e -> hosts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
          return q.list(
              "SELECT id, name, rules_json, created_at, updated_at FROM apps ORDER BY name",
              row ->
                  new App(
                      row.getString(1),
                      row.getString(2),
                      List.copyOf(hosts.getOrDefault(row.getString(1), List.of())),
                      RulesJson.read(row.getString(3)),
                      Instant.ofEpochMilli(row.getLong(4)),
                      Instant.ofEpochMilli(row.getLong(5))));
        });
  }

  public void delete(String id) {
    writer.write(
        tx -> {
          if (tx.update("DELETE FROM apps WHERE id = ?", id) == 0) {
            throw notFound(id);
          }
          tx.update("DELETE FROM app_hosts WHERE app_id = ?", id);
          tx.publish(new AppEvent.AppDeleted(id));
          return null;
        });
  }

  private static Optional<App> load(Query q, String id) {
    List<String> hosts =
        q.list(
            "SELECT host FROM app_hosts WHERE app_id = ? ORDER BY host",
            row -> row.getString(1),
            id);
    return q.one(
        "SELECT id, name, rules_json, created_at, updated_at FROM apps WHERE id = ?",
        row ->
            new App(
                row.getString(1),
                row.getString(2),
                hosts,
                RulesJson.read(row.getString(3)),
                Instant.ofEpochMilli(row.getLong(4)),
                Instant.ofEpochMilli(row.getLong(5))),
        id);
  }

  private static String name(@Nullable String name) {
    if (name == null || name.isEmpty()) {
      throw new Failure.Invalid("name", "name is required");
    }
    if (!NAME.matcher(name).matches()) {
      throw new Failure.Invalid("name", "name must be 1-64 letters, digits or . _ -");
    }
    return name;
  }

  private static List<String> hosts(@Nullable List<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new Failure.Invalid("hosts", "at least one host is required");
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      if (host == null
          || host.length() > 253
          || !HOST.matcher(host.toLowerCase(Locale.ROOT)).matches()) {
        throw new Failure.Invalid(
            "hosts[" + i + "]",
            "hosts[" + i + "] must be a hostname such as app.example.com or *.example.com");
      }
      unique.add(host.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(unique);
  }

  private static List<Rule> rules(List<Rule> rules) {
    List<Rule> checked = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      checked.add(CompiledRule.compile(rules.get(i), "rules[" + i + "]").source());
    }
    return List.copyOf(checked);
  }

  private static Failure.NotFound notFound(String id) {
    return new Failure.NotFound("no app with id " + id);
  }
}
