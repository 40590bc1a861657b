package dev.gatehouse.admin.provisioning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.admin.Administration;
import dev.gatehouse.admin.ManagedObjects;
import dev.gatehouse.admin.ManagedObjects.Entry;
import dev.gatehouse.admin.ManagedObjects.Key;
import dev.gatehouse.admin.ManagedObjects.Kind;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.App;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.Clients;
import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link Declaration}: compares it with what is stored, and makes every change it implies
 * through {@link Administration} (the same rules and audit events as the admin API) in one unit of
 * the writer, so that a file with any error changes nothing. Objects it declares become managed
 * ({@link ManagedObjects}); with {@code prune}, managed objects it no longer declares are deleted,
 * and nothing else ever is. Applying the same file twice changes nothing the second time.
 *
 * <p>A dry run makes the same changes in the same unit and rolls it back, so it reports what an
 * apply would do, errors included, and changes nothing.
 */
public final class Provisioner {
  private final Administration admin;
  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final ManagedObjects managed;
  private final Passwords passwords;
  private final Writer writer;

  public Provisioner(
      Administration admin,
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      ManagedObjects managed,
      Passwords passwords,
      Writer writer) {
    this.admin = admin.forProvisioning();
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.managed = managed;
    this.passwords = passwords;
    this.writer = writer;
  }

  /** What was (or, in a dry run, would be) changed; empty when the file changes nothing. */
  public record Outcome(List<Change> changes, boolean applied) {}

  /** Who applies the file, for the audit events of its changes. */
  public record By(Actor actor, @Nullable String ip, @Nullable String userAgent) {
    public static final By SYSTEM = new By(Actor.SYSTEM, null, null);
  }

  /**
   * Applies {@code declaration}.
   *
   * @throws ProvisioningException naming the object and field of the first change refused (a
   *     conflict, an invalid rule...); nothing was applied
   */
  public Outcome apply(Declaration declaration, boolean prune, boolean dryRun, By by) {
    refuseUnreadSecrets(declaration);
    Administration.Origin origin =
        new Administration.Origin(
            by.actor(), by.ip(), by.userAgent(), "the provisioning file " + declaration.source());
    Map<String, PasswordCheck> checks = new ConcurrentHashMap<>();
    // Planned first outside the writer, so that Argon2 (checking and hashing declared passwords)
    // runs there; planned again inside, under the cluster-wide job lock, on what is then stored.
    List<Step> planned = plan(declaration, prune, checks, origin);
    if (planned.isEmpty()) {
      return new Outcome(List.of(), false);
    }
    try {
      List<Change> changes =
          writer.write(
              tx -> {
                tx.waitForJob("provisioning");
                List<Step> steps = plan(declaration, prune, checks, origin);
                for (Step step : steps) {
                  run(declaration, step);
                }
                if (dryRun) {
                  throw new Rehearsed(steps.stream().map(Step::change).toList());
                }
                return steps.stream().map(Step::change).toList();
              });
      return new Outcome(changes, !changes.isEmpty());
    } catch (Rehearsed rehearsed) {
      return new Outcome(rehearsed.changes, false);
    }
  }

  /**
   * A declaration that came as JSON, not through {@link ProvisioningFile}, is held to the same
   * forms: a password as a PHC hash, secrets as SHA-256 digests.
   */
  private static void refuseUnreadSecrets(Declaration d) {
    List<String> problems = new ArrayList<>();
    for (Declaration.User u : d.users()) {
      if (u.passwordHash() != null && !Passwords.isHash(u.passwordHash())) {
        problems.add(where(d, u.at(), "users", u.username(), "password_hash") + "not a PHC hash");
      }
    }
    for (Declaration.Client c : d.clients()) {
      if (c.secretDigest() != null
          && !ProvisioningFile.SHA256.matcher(c.secretDigest()).matches()) {
        problems.add(where(d, c.at(), "clients", c.clientId(), "secret_sha256") + "not a digest");
      }
    }
    for (Declaration.ApiKey k : d.apiKeys()) {
      if (!ProvisioningFile.SHA256.matcher(k.digest()).matches()) {
        problems.add(where(d, k.at(), "api_keys", k.name(), "key_sha256") + "not a digest");
      }
    }
    if (!problems.isEmpty()) {
      throw new ProvisioningException(problems);
    }
  }

  /** {@code file:line: kind[name].field: } */
  private static String where(
      Declaration d, Declaration.At at, String kind, String name, @Nullable String field) {
    return d.source()
        + ":"
        + at.lineOf(field)
        + ": "
        + kind
        + "["
        + name
        + "]"
        + (field == null ? "" : "." + field)
        + ": ";
  }

  /** Thrown at the end of a dry run's unit, so that the writer rolls all of it back. */
  private static final class Rehearsed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Change> changes;

    Rehearsed(List<Change> changes) {
      super("dry run", null, false, false);
      this.changes = changes;
    }
  }

  private record Step(Change change, Declaration.At at, Runnable action) {}

  private static void run(Declaration declaration, Step step) {
    try {
      step.action().run();
    } catch (Failure failure) {
      Change c = step.change();
      throw new ProvisioningException(
          List.of(
              where(declaration, step.at(), plural(c.kind()), c.name(), failure.field())
                  + failure.getMessage()));
    }
  }

  private static String plural(Kind kind) {
    return kind == Kind.API_KEY ? "api_keys" : kind.wire() + "s";
  }

  /** A declared password compared with the stored hash it was compared with. */
  private record PasswordCheck(@Nullable String stored, @Nullable String newHash) {}

  private List<Step> plan(
      Declaration d,
      boolean prune,
      Map<String, PasswordCheck> checks,
      Administration.Origin origin) {
    Map<Key, Entry> entries = managed.all();
    List<Step> steps = new ArrayList<>();
    Plans plans = new Plans(d, entries, steps, origin);
    plans.groups();
    plans.users(checks);
    plans.apps();
    plans.clients();
    plans.apiKeys();
    if (prune) {
      plans.prune();
    }
    return steps;
  }

  /** One planning pass over the stored state. */
  private final class Plans {
    private final Declaration d;
    private final Map<Key, Entry> entries;
    private final List<Step> steps;
    private final Administration.Origin origin;
    private final Set<Key> declared = new HashSet<>();

    Plans(Declaration d, Map<Key, Entry> entries, List<Step> steps, Administration.Origin origin) {
      this.d = d;
      this.entries = entries;
      this.steps = steps;
      this.origin = origin;
    }

    private void step(
        Change.Op op,
        Kind kind,
        String name,
        List<String> fields,
        Declaration.At at,
        Runnable action) {
      steps.add(new Step(new Change(op, kind, name, fields), at, action));
    }

    /**
     * Records {@code kind name} as declared with {@code fingerprint}; returns whether it was
     * already managed by this file as declared now.
     */
    private boolean unchanged(Kind kind, String name, String fingerprint) {
      Key key = new Key(kind, name);
      declared.add(key);
      Entry entry = entries.get(key);
      return entry != null
          && entry.fingerprint().equals(fingerprint)
          && entry.source().equals(d.source());
    }

    private Runnable mark(Kind kind, String name, String fingerprint) {
      return () -> managed.mark(new Entry(kind, name, d.source(), fingerprint));
    }

    /**
     * Plans existing {@code kind name}: its change when {@code fields} differ, else marking it
     * managed when it is not yet, as declared now.
     */
    private void changeOrMark(
        Kind kind,
        String name,
        String fingerprint,
        List<String> fields,
        Declaration.At at,
        Runnable change) {
      Runnable mark = mark(kind, name, fingerprint);
      boolean unchanged = unchanged(kind, name, fingerprint);
      if (!fields.isEmpty()) {
        step(
            Change.Op.UPDATE,
            kind,
            name,
            fields,
            at,
            () -> {
              change.run();
              mark.run();
            });
      } else if (!unchanged) {
        step(Change.Op.MANAGE, kind, name, List.of(), at, mark);
      }
    }

    /** Plans a new {@code kind name}, created by {@code create} and then marked managed. */
    private void create(
        Kind kind, String name, String fingerprint, Declaration.At at, Runnable create) {
      unchanged(kind, name, fingerprint);
      Runnable mark = mark(kind, name, fingerprint);
      step(
          Change.Op.CREATE,
          kind,
          name,
          List.of(),
          at,
          () -> {
            create.run();
            mark.run();
          });
    }

    void groups() {
      Map<String, Boolean> stored = new HashMap<>();
      groups
          .summaries("", Integer.MAX_VALUE, 0)
          .items()
          .forEach(s -> stored.put(s.name(), s.requireMfa()));
      for (Declaration.Group g : d.groups()) {
        String fingerprint = fingerprint(g.requireMfa());
        Boolean requireMfa = stored.get(g.name());
        if (requireMfa == null) {
          create(
              Kind.GROUP,
              g.name(),
              fingerprint,
              g.at(),
              () -> admin.createGroup(origin, g.name(), g.requireMfa()));
          continue;
        }
        List<String> fields = requireMfa == g.requireMfa() ? List.of() : List.of("require_mfa");
        changeOrMark(
            Kind.GROUP,
            g.name(),
            fingerprint,
            fields,
            g.at(),
            () -> admin.requireMfa(origin, g.name(), g.requireMfa()));
      }
    }

    void users(Map<String, PasswordCheck> checks) {
      for (Declaration.User u : d.users()) {
        String username = u.username().toLowerCase(Locale.ROOT);
        String fingerprint =
            fingerprint(
                List.of(
                    String.valueOf(u.email()),
                    String.valueOf(u.displayName()),
                    u.disabled(),
                    List.copyOf(new java.util.TreeSet<>(u.groups())),
                    String.valueOf(u.passwordHash())));
        Optional<User> found = users.findByUsername(username);
        if (found.isEmpty()) {
          String hash = u.passwordHash();
          if (u.password() != null) {
            hash = check(checks, u, username, null).newHash();
          }
          String chosen = hash;
          create(
              Kind.USER,
              username,
              fingerprint,
              u.at(),
              () -> {
                User created =
                    admin.createUserWithHash(
                        origin,
                        new NewUser(username, u.email(), u.displayName(), null, u.groups()),
                        chosen);
                if (u.disabled()) {
                  admin.updateUser(
                      origin, created.id(), new UserPatch(null, null, null, true), Set.of());
                }
              });
          continue;
        }
        User user = found.get();
        List<String> fields = new ArrayList<>();
        if (!Objects.equals(lower(u.email()), lower(user.email()))) {
          fields.add("email");
        }
        if (!Objects.equals(u.displayName(), user.displayName())) {
          fields.add("display_name");
        }
        if (u.disabled() != user.disabled()) {
          fields.add("disabled");
        }
        Set<String> want = new java.util.TreeSet<>(u.groups());
        Set<String> have = new java.util.TreeSet<>(user.groups());
        if (!want.equals(have)) {
          fields.add("groups");
        }
        String newHash = null;
        if (u.passwordHash() != null || u.password() != null) {
          String stored = users.passwordHash(user.id()).orElse(null);
          newHash =
              u.passwordHash() != null
                  ? (u.passwordHash().equals(stored) ? null : u.passwordHash())
                  : check(checks, u, username, stored).newHash();
          if (newHash != null) {
            fields.add("password");
          }
        }
        String passwordHash = newHash;
        changeOrMark(
            Kind.USER,
            username,
            fingerprint,
            fields,
            u.at(),
            () -> {
              Set<String> nulls = new HashSet<>();
              if (u.email() == null && user.email() != null) {
                nulls.add("email");
              }
              if (u.displayName() == null && user.displayName() != null) {
                nulls.add("display_name");
              }
              if (fields.contains("email")
                  || fields.contains("display_name")
                  || fields.contains("disabled")) {
                admin.updateUser(
                    origin,
                    user.id(),
                    new UserPatch(u.email(), u.displayName(), null, u.disabled()),
                    nulls);
              }
              for (String group : want) {
                if (!have.contains(group)) {
                  admin.addMember(origin, group, username);
                }
              }
              for (String group : have) {
                if (!want.contains(group)) {
                  admin.removeMember(origin, group, username);
                }
              }
              if (passwordHash != null) {
                admin.setPasswordHash(origin, user.id(), passwordHash);
              }
            });
      }
    }

    void apps() {
      Map<String, App> stored =
          apps.all().stream().collect(Collectors.toMap(App::name, Function.identity()));
      for (Declaration.App a : d.apps()) {
        var request = a.request().withDefaults();
        String fingerprint = fingerprint(request);
        App app = stored.get(a.name());
        if (app == null) {
          create(Kind.APP, a.name(), fingerprint, a.at(), () -> admin.createApp(origin, request));
          continue;
        }
        if (unchanged(Kind.APP, a.name(), fingerprint)) {
          // As the file declared it last time, and nobody else may change it since.
          continue;
        }
        changeOrMark(
            Kind.APP,
            a.name(),
            fingerprint,
            differing(asStored(request), app),
            a.at(),
            () -> admin.updateApp(origin, app.id(), request));
      }
    }

    void clients() {
      for (Declaration.Client c : d.clients()) {
        String fingerprint = fingerprint(List.of(c.request(), String.valueOf(c.secretDigest())));
        Client client = find(() -> clients.get(c.clientId()));
        if (client == null) {
          create(
              Kind.CLIENT,
              c.clientId(),
              fingerprint,
              c.at(),
              () -> {
                admin.createClient(origin, c.request());
                if (c.secretDigest() != null) {
                  admin.useClientSecret(origin, c.clientId(), c.secretDigest());
                }
              });
          continue;
        }
        if (unchanged(Kind.CLIENT, c.clientId(), fingerprint)) {
          continue;
        }
        List<String> fields = new ArrayList<>(differing(c.request(), client));
        if (c.secretDigest() != null) {
          // The stored digest is not read back: a secret is set again whenever it may differ.
          fields.add("secret");
        }
        changeOrMark(
            Kind.CLIENT,
            c.clientId(),
            fingerprint,
            fields,
            c.at(),
            () -> {
              admin.updateClient(origin, c.clientId(), c.request());
              if (c.secretDigest() != null) {
                admin.useClientSecret(origin, c.clientId(), c.secretDigest());
              }
            });
      }
    }

    void apiKeys() {
      Map<String, ApiKey> stored =
          apiKeys.list(Integer.MAX_VALUE, 0).items().stream()
              .collect(Collectors.toMap(ApiKey::name, Function.identity()));
      for (Declaration.ApiKey k : d.apiKeys()) {
        String fingerprint =
            fingerprint(
                List.of(String.valueOf(k.role()), String.valueOf(k.expiresAt()), k.digest()));
        ApiKey key = stored.get(k.name());
        Runnable create =
            () ->
                admin.createApiKeyWithDigest(origin, k.name(), k.role(), k.expiresAt(), k.digest());
        if (key == null) {
          create(Kind.API_KEY, k.name(), fingerprint, k.at(), create);
        } else {
          // Keys do not change and their secrets are not read back: one that is not as declared
          // now (or not managed yet) is replaced, under the same name.
          List<String> fields =
              unchanged(Kind.API_KEY, k.name(), fingerprint) ? List.of() : List.of("replaced");
          changeOrMark(
              Kind.API_KEY,
              k.name(),
              fingerprint,
              fields,
              k.at(),
              () -> {
                admin.deleteApiKey(origin, key.id());
                create.run();
              });
        }
      }
    }

    /** Deletes managed objects the file no longer declares: what uses others first. */
    void prune() {
      List<Kind> order = List.of(Kind.API_KEY, Kind.CLIENT, Kind.APP, Kind.USER, Kind.GROUP);
      Declaration.At nowhere = new Declaration.At(0, Map.of());
      for (Kind kind : order) {
        for (Entry entry : entries.values()) {
          Key key = new Key(entry.kind(), entry.name());
          if (entry.kind() != kind || declared.contains(key)) {
            continue;
          }
          step(
              Change.Op.DELETE,
              kind,
              entry.name(),
              List.of(),
              nowhere,
              () -> {
                delete(kind, entry.name());
                managed.forget(key);
              });
        }
      }
    }

    private void delete(Kind kind, String name) {
      switch (kind) {
        case GROUP -> {
          if (find(() -> groups.get(name)) != null) {
            admin.deleteGroup(origin, name);
          }
        }
        case USER -> users.findByUsername(name).ifPresent(u -> admin.deleteUser(origin, u.id()));
        case APP ->
            apps.all().stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .ifPresent(a -> admin.deleteApp(origin, a.id()));
        case CLIENT -> {
          if (find(() -> clients.get(name)) != null) {
            admin.deleteClient(origin, name);
          }
        }
        case API_KEY ->
            apiKeys.list(Integer.MAX_VALUE, 0).items().stream()
                .filter(k -> k.name().equals(name))
                .findFirst()
                .ifPresent(k -> admin.deleteApiKey(origin, k.id()));
      }
    }
  }

  private PasswordCheck check(
      Map<String, PasswordCheck> checks,
      Declaration.User u,
      String username,
      @Nullable String stored) {
    PasswordCheck seen = checks.get(username);
    if (seen != null && Objects.equals(seen.stored(), stored)) {
      return seen;
    }
    String clear = Objects.requireNonNull(u.password());
    PasswordCheck check;
    if (stored != null && passwords.verify(clear, stored).matches()) {
      check = new PasswordCheck(stored, null);
    } else {
      check =
          new PasswordCheck(
              stored, passwords.hash(Users.acceptablePassword("password", clear, username)));
    }
    checks.put(username, check);
    return check;
  }

  /**
   * A declared app's rules as the app would store them, to compare; as declared when they are
   * invalid (the apply then says why, at their line).
   */
  private static AppRequest asStored(AppRequest request) {
    try {
      return new AppRequest(
          request.name(),
          request.hosts(),
          Apps.rules(Objects.requireNonNull(request.rules())),
          request.pathCaseInsensitive(),
          request.bearerTokens());
    } catch (Failure invalid) {
      return request;
    }
  }

  /** The top-level fields of {@code declared} whose value differs from {@code stored}'s. */
  private static List<String> differing(Object declared, Object stored) {
    JsonNode want = Json.MAPPER.valueToTree(declared);
    JsonNode have = Json.MAPPER.valueToTree(stored);
    List<String> fields = new ArrayList<>();
    want.properties()
        .forEach(
            e -> {
              if (!e.getValue().isNull()
                  && !e.getKey().equals("jwks")
                  && !e.getValue().equals(have.get(e.getKey()))) {
                fields.add(e.getKey());
              }
            });
    return fields;
  }

  private static @Nullable String lower(@Nullable String text) {
    return text == null ? null : text.toLowerCase(Locale.ROOT);
  }

  private static <T> @Nullable T find(java.util.function.Supplier<T> get) {
    try {
      return get.get();
    } catch (Failure.NotFound e) {
      return null;
    }
  }

  private static String fingerprint(Object declared) {
    try {
      return Secrets.digest(Json.MAPPER.writeValueAsString(declared));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a declaration is plain data", e);
    }
  }
}
