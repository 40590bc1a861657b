package dev.gatehouse.app;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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

  private static final String COLUMNS =
      "id, name, rules_json, path_case_insensitive, bearer_tokens_json, created_at, updated_at";
  private static final Pattern TOKEN = Pattern.compile("^[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,128}$");

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
    boolean caseInsensitive = Boolean.TRUE.equals(request.pathCaseInsensitive());
    BearerTokens bearer =
        request.bearerTokens() == null ? BearerTokens.NONE : bearerTokens(request.bearerTokens());
    return writer.write(
        tx -> {
          if (tx.count("SELECT COUNT(*) FROM apps WHERE name = ?", name) > 0) {
            throw new Failure.Conflict("name", "an app named " + name + " exists");
          }
          String id = UUID.randomUUID().toString();
          long now = clock.millis();
          tx.update(
              "INSERT INTO apps (id, name, rules_json, path_case_insensitive, bearer_tokens_json,"
                  + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
              id,
              name,
              AppJson.write(rules),
              caseInsensitive ? 1 : 0,
              AppJson.write(bearer),
              now,
              now);
          return saveHosts(tx, id, hosts);
        });
  }

  public App update(String id, AppRequest request) {
    String name = request.name() == null ? null : name(request.name());
    List<String> hosts = request.hosts() == null ? null : hosts(request.hosts());
    List<Rule> rules = request.rules() == null ? null : rules(request.rules());
    BearerTokens bearer =
        request.bearerTokens() == null ? null : bearerTokens(request.bearerTokens());
    return writer.write(
        tx -> {
          App current = load(tx, id).orElseThrow(() -> notFound(id));
          if (name != null
              && tx.count("SELECT COUNT(*) FROM apps WHERE name = ? AND id <> ?", name, id) > 0) {
            throw new Failure.Conflict("name", "an app named " + name + " exists");
          }
          tx.update(
              "UPDATE apps SET name = ?, rules_json = ?, path_case_insensitive = ?,"
                  + " bearer_tokens_json = ?, updated_at = ? WHERE id = ?",
              name != null ? name : current.name(),
              AppJson.write(rules != null ? rules : current.rules()),
              (request.pathCaseInsensitive() != null
                      ? request.pathCaseInsensitive()
                      : current.pathCaseInsensitive())
                  ? 1
                  : 0,
              AppJson.write(bearer != null ? bearer : current.bearerTokens()),
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

  /** What another node's change to app {@code id} means here: changed, or gone. */
  public List<AppEvent> announced(String id) {
    return List.of(
        reads
            .read(q -> load(q, id))
            .<AppEvent>map(AppEvent.AppChanged::new)
            .orElseGet(() -> new AppEvent.AppDeleted(id)));
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
              "SELECT " + COLUMNS + " FROM apps ORDER BY name",
              row -> app(row, List.copyOf(hosts.getOrDefault(row.getString(1), List.of()))));
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
    return q.one("SELECT " + COLUMNS + " FROM apps WHERE id = ?", row -> app(row, hosts), id);
  }

  private static App app(ResultSet row, List<String> hosts) throws SQLException {
    return new App(
        row.getString(1),
        row.getString(2),
        hosts,
        AppJson.rules(row.getString(3)),
        row.getInt(4) != 0,
        AppJson.bearerTokens(row.getString(5)),
        Instant.ofEpochMilli(row.getLong(6)),
        Instant.ofEpochMilli(row.getLong(7)));
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
      boolean wildcard = host != null && host.startsWith("*.");
      String canonical =
          host == null ? null : HostName.canonical(wildcard ? host.substring(2) : host);
      if (canonical == null || !HOST.matcher(canonical).matches()) {
        throw new Failure.Invalid(
            "hosts[" + i + "]",
            "hosts[" + i + "] must be a hostname such as app.example.com or *.example.com");
      }
      unique.add(wildcard ? "*." + canonical : canonical);
    }
    return List.copyOf(unique);
  }

  /**
   * {@code rules} checked and as they are stored (defaults filled in), so that a declared rule can
   * be compared with a stored one.
   */
  public static List<Rule> rules(List<Rule> rules) {
    List<Rule> checked = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      checked.add(CompiledRule.compile(rules.get(i), "rules[" + i + "]").source());
    }
    return List.copyOf(checked);
  }

  private static BearerTokens bearerTokens(AppRequest.BearerTokensRequest request) {
    List<String> clients = tokens(request.clients(), "bearer_tokens.clients");
    List<String> scopes = tokens(request.scopes(), "bearer_tokens.scopes");
    if (clients.isEmpty() && !scopes.isEmpty()) {
      throw new Failure.Invalid(
          "bearer_tokens.clients", "bearer_tokens.scopes need at least one client to apply to");
    }
    return new BearerTokens(clients, scopes);
  }

  /** Client ids and scopes: RFC 6749 §A.1 and §A.4 characters, no spaces. */
  private static List<String> tokens(@Nullable List<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null || !TOKEN.matcher(value).matches()) {
        throw new Failure.Invalid(
            field + "[" + i + "]",
            field + "[" + i + "] must be 1-128 visible characters, no spaces");
      }
      unique.add(value);
    }
    return List.copyOf(unique);
  }

  private static Failure.NotFound notFound(String id) {
    return new Failure.NotFound("no app with id " + id);
  }
}
