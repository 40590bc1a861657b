package dev.gatehouse;

import dev.gatehouse.admin.AdminRoutes;
import dev.gatehouse.admin.Administration;
import dev.gatehouse.admin.ManagedObjects;
import dev.gatehouse.admin.OpenApiRoutes;
import dev.gatehouse.admin.console.Console;
import dev.gatehouse.admin.console.ConsoleRoute;
import dev.gatehouse.admin.provisioning.Provisioner;
import dev.gatehouse.admin.provisioning.ProvisioningException;
import dev.gatehouse.admin.provisioning.ProvisioningFile;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.AppEvent;
import dev.gatehouse.app.Apps;
import dev.gatehouse.app.Policy;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.client.ClientEvent;
import dev.gatehouse.client.Clients;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.crypto.Argon2Params;
import dev.gatehouse.crypto.Passwords;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.device.Devices;
import dev.gatehouse.event.Events;
import dev.gatehouse.forwardauth.Gateway;
import dev.gatehouse.login.LoginRoutes;
import dev.gatehouse.metrics.HttpMetrics;
import dev.gatehouse.metrics.MetricsRoutes;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.mfa.RelyingParty;
import dev.gatehouse.mfa.WebAuthn;
import dev.gatehouse.net.ClientAddresses;
import dev.gatehouse.oidc.OidcRoutes;
import dev.gatehouse.session.SessionPolicy;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.signing.KeyEncryption;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.MissedLookups;
import dev.gatehouse.store.Store;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.user.UserEvent;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.HealthRoutes;
import dev.gatehouse.web.HttpStack;
import dev.gatehouse.web.Routing;
import dev.gatehouse.web.StaticFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The composition root: config → store → in-memory state → features → routes, wired by
 * constructors. Nothing else creates long-lived objects.
 */
public final class Gatehouse implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Gatehouse.class.getName());
  // Heap for everything but hashing: caches, request buffers, the store; measured idle use is far
  // less (docs/memory.md), this leaves room for bursts.
  private static final long BASE_HEAP = 64L << 20;

  /**
   * Tables of short-lived data, kept under {@code [storage] ephemeral_log_sync}. Only tables that
   * nothing reads through the read pool belong here: in memory they are the writer's alone. Device
   * codes are polled through the pool, so they stay on disk (written as ephemeral).
   */
  private static final Set<String> EPHEMERAL_TABLES =
      Set.of("sessions", "pairing_codes", "authorization_codes");

  private final Store store;
  private final Events events;
  private final Audit audit;
  private final HttpStack http;
  private final int port;
  private final int metricsPort;
  private final int forwardAuthPort;
  private final Background background;
  private final Gateway gateway;
  private final AtomicBoolean ready;
  private final Console console;
  private final Provisioner provisioner;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Gatehouse(
      Store store,
      Events events,
      Audit audit,
      HttpStack http,
      int[] ports,
      Background background,
      Gateway gateway,
      AtomicBoolean ready,
      Console console,
      Provisioner provisioner) {
    this.console = console;
    this.provisioner = provisioner;
    this.store = store;
    this.events = events;
    this.audit = audit;
    this.http = http;
    this.port = ports[0];
    this.forwardAuthPort = ports[1];
    this.metricsPort = ports[2];
    this.background = background;
    this.gateway = gateway;
    this.ready = ready;
  }

  /** Starts Gatehouse with the real clock and randomness. */
  public static Gatehouse start(Config config, Map<String, String> env) {
    SecureRandom random = new SecureRandom();
    return start(config, env, InstantSource.system(), () -> random);
  }

  public static Gatehouse start(
      Config config, Map<String, String> env, InstantSource clock, Supplier<SecureRandom> random) {
    long started = System.nanoTime();
    Bootstrap.requireStrongSecrets(env);
    PrometheusRegistry registry = new PrometheusRegistry();
    Events events = new Events();
    Config.Hashing hashing = config.hashing();
    Passwords passwords =
        new Passwords(
            new Argon2Params(hashing.argon2MCost(), hashing.argon2TCost(), hashing.argon2PCost()),
            hashing.maxHashThreads(),
            new Passwords.HashQueue(
                hashing.maxQueuedHashes(),
                Duration.ofMillis(hashing.queueDeadlineMs()),
                hashing.threadNice()),
            random,
            registry);
    requireHeapForHashing(
        hashing, passwords.peakHeapBytes(), longLivedHeap(), Runtime.getRuntime().maxMemory());
    Store store = Store.open(config, events, registry, EPHEMERAL_TABLES);
    try {
      Secrets secrets = new Secrets(random);
      Audit audit =
          new Audit(
              store.writer(),
              store.reads(),
              clock,
              Duration.ofDays(config.audit().retentionDays()),
              config.audit().logStdout(),
              events);
      Groups groups = new Groups(store.writer(), store.reads(), clock);
      Apps apps = new Apps(store.writer(), store.reads(), clock);
      Clients clients = new Clients(store.writer(), store.reads(), secrets, clock);
      ApiKeys apiKeys = new ApiKeys(store.writer(), store.reads(), secrets, clock, events);
      apiKeys.load();
      Bootstrap.runOnce(store.writer(), passwords, secrets, clock, env);

      // In-memory views for the hot path: subscribed before loading, so no event falls between.
      UserDirectory directory =
          new UserDirectory(events, config.mfa().requireForAdmins() ? Set.of("admins") : Set.of());
      AppDirectory appDirectory = new AppDirectory(events);
      appDirectory.load(apps.all());
      Config.Session sessionConfig = config.session();
      SessionPolicy sessionPolicy =
          new SessionPolicy(
              Duration.ofSeconds(sessionConfig.idleTimeoutSeconds()),
              Duration.ofSeconds(sessionConfig.lifetimeSeconds()),
              Duration.ofMillis(sessionConfig.activityFlushMs()));
      // On a shared database, credentials made on another node and not heard of yet are looked
      // up, within one budget for the node.
      MissedLookups missed =
          store.shared()
              ? new MissedLookups(
                  sessionConfig.missLookupsPerSecond(),
                  Duration.ofMillis(sessionConfig.missCacheMs()))
              : null;
      Sessions sessions =
          new Sessions(
              store.writer(), store.reads(), secrets, clock, sessionPolicy, events, missed);
      sessions.load();
      Devices devices = new Devices(store.writer(), store.reads(), clock, random, events, missed);
      devices.load();
      ClientDirectory clientDirectory = new ClientDirectory(events);
      clientDirectory.load(clients.all());
      KeyEncryption keyEncryption =
          KeyEncryption.resolve(
              config.oidc().keyEncryptionKey(), config.storage().dataDir(), random.get());
      SigningKeys signingKeys =
          new SigningKeys(
              store.writer(),
              store.reads(),
              keyEncryption,
              clock,
              random,
              Duration.ofSeconds(config.oidc().keyRotationGraceSeconds()),
              events,
              audit);
      signingKeys.start();
      URI publicUrl = config.server().publicUrl();
      Grants grants =
          new Grants(
              store.writer(),
              store.reads(),
              signingKeys,
              directory,
              secrets,
              clock,
              random,
              publicUrl.toString(),
              events,
              audit);
      grants.load();
      // A new password or disabling ends what the old password vouched for, in the same unit.
      Users users =
          new Users(
              store.writer(),
              store.reads(),
              passwords,
              clock,
              List.of(
                  sessions::endIn,
                  (tx, user, kept) -> devices.endIn(tx, user),
                  (tx, user, kept) -> grants.endIn(tx, user)));
      directory.load(users.all(), groups.requiringMfa());
      // Other nodes' changes, re-read here; and everything again after a lost connection.
      events.onAnnounced(UserEvent.USER, users::announced);
      events.onAnnounced(UserEvent.GROUP, groups::announced);
      events.onAnnounced(AppEvent.TOPIC, apps::announced);
      events.onAnnounced(ClientEvent.TOPIC, clients::announced);
      events.onReload(() -> directory.load(users.all(), groups.requiringMfa()));
      events.onReload(() -> appDirectory.load(apps.all()));
      events.onReload(() -> clientDirectory.load(clients.all()));
      store.startListening(events);
      WebAuthn webAuthn =
          new WebAuthn(
              new RelyingParty(
                  config.mfa().rpId(), config.mfa().issuer(), Set.of(origin(publicUrl))),
              keyEncryption.macKey("gatehouse webauthn challenge v1"),
              clock,
              random,
              Duration.ofMinutes(5));
      Factors factors =
          new Factors(
              store.writer(),
              store.reads(),
              keyEncryption,
              webAuthn,
              audit,
              config.mfa().issuer(),
              config.mfa().maxPasskeys(),
              clock,
              random);
      Cookies cookies =
          new Cookies(sessionConfig.cookieDomain(), "https".equals(publicUrl.getScheme()));
      Csrf csrf =
          new Csrf(
              keyEncryption.macKey("gatehouse csrf v1"),
              secrets,
              cookies,
              publicUrl,
              config.server().publicUrlConfigured());

      Gateway gateway =
          new Gateway(
              appDirectory,
              directory,
              sessions,
              devices,
              grants.accessTokens(),
              Policy.parse(config.forwardAuth().defaultPolicy()).orElseThrow(),
              publicUrl);
      Config.Throttle throttle = config.throttle();
      Throttles throttles = new Throttles(throttle, clock, registry, lockOuts(audit));
      ClientAddresses clientAddresses = new ClientAddresses(config.server().trustedProxies());
      ClientIps clientIps = new ClientIps(clientAddresses);
      HttpMetrics httpMetrics = config.metrics().enable() ? new HttpMetrics(registry) : null;
      AtomicBoolean ready = new AtomicBoolean();
      HttpStack http = HttpStack.create(config.server(), clientAddresses, registry);
      Background background = null;
      try {
        Routing main = http.routing(config.server().strictTransportSecurity(), httpMetrics);
        new HealthRoutes(ready::get, store.metrics()::reachable).register(main);
        StaticFile.of(
                "/static/gatehouse.css",
                "/dev/gatehouse/web/gatehouse.css",
                "text/css; charset=utf-8")
            .register(main);
        StaticFile.of("/static/favicon.svg", "/dev/gatehouse/web/favicon.svg", "image/svg+xml")
            .register(main);
        gateway.routes().register(main);
        new LoginRoutes(
                users,
                directory,
                sessions,
                devices,
                factors,
                grants,
                clientDirectory,
                config.account(),
                appDirectory,
                csrf,
                cookies,
                sessionPolicy,
                publicUrl,
                audit,
                throttles,
                clientIps,
                keyEncryption.macKey("known-browser"),
                keyEncryption.macKey("gatehouse pending sign-in v1"),
                Duration.ofDays(throttle.knownBrowserDays()),
                random,
                clock)
            .register(main);
        new OidcRoutes(
                signingKeys,
                grants,
                clientDirectory,
                directory,
                sessions,
                csrf,
                keyEncryption.macKey("gatehouse login mark v1"),
                cookies,
                publicUrl,
                clock,
                throttles,
                clientIps,
                throttle.deviceCodesPerClient(),
                config.oidc().maxJtisPerClient())
            .register(main);
        new OpenApiRoutes(config.server().swaggerUiEnable()).register(main);
        ManagedObjects managedObjects = new ManagedObjects(store.writer(), store.reads());
        Administration administration =
            new Administration(
                users,
                groups,
                apps,
                clients,
                apiKeys,
                devices,
                factors,
                sessions,
                signingKeys,
                grants,
                audit,
                managedObjects);
        Provisioner provisioner =
            new Provisioner(
                administration,
                users,
                groups,
                apps,
                clients,
                apiKeys,
                managedObjects,
                passwords,
                store.writer());
        new AdminRoutes(
                users,
                groups,
                apps,
                clients,
                apiKeys,
                devices,
                factors,
                signingKeys,
                audit,
                administration,
                provisioner,
                throttles,
                clientIps)
            .register(main);
        Console console =
            new Console(
                administration,
                users,
                directory,
                groups,
                apps,
                clients,
                apiKeys,
                devices,
                factors,
                sessions,
                signingKeys,
                grants,
                audit,
                new SignedInUsers(sessions, directory),
                csrf,
                clientIps,
                gateway::trial,
                config.mfa().requireForAdmins(),
                config.console().networks());
        console.register(main);
        provision(config.provisioning(), provisioner, env);
        int[] ports = {-1, -1, -1};
        ports[0] = http.listen("the portal and APIs", config.server().listen(), main);
        if (config.forwardAuth().listen().isPresent()) {
          Routing forwardAuth = http.routing(null, httpMetrics);
          gateway.routes().register(forwardAuth);
          ports[1] = http.listen("forward-auth", config.forwardAuth().listen().get(), forwardAuth);
        }
        if (config.metrics().enable()) {
          Routing metrics = http.routing(null, null);
          metrics.get("/metrics", new MetricsRoutes(registry)::scrape);
          ports[2] = http.listen("metrics", config.metrics().listen(), metrics);
        }
        background = new Background(sessions, devices, audit, sessionPolicy.flushEvery());
        http.serving();
        ready.set(true);
        // Both figures: the first is Gatehouse's own start, the second what a user waits for
        // from the JVM's start (class loading, the command line and the configuration before).
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.info(
            () ->
                String.format(
                    "Gatehouse ready on http://%s:%d in %d ms, %d ms after the JVM started"
                        + " (argon2: %s)",
                    config.server().listen().host(),
                    ports[0],
                    (System.nanoTime() - started) / 1_000_000,
                    jvmUptime,
                    passwords.implementation()));
        return new Gatehouse(
            store, events, audit, http, ports, background, gateway, ready, console, provisioner);
      } catch (RuntimeException e) {
        // Whatever was opened closes, in reverse order: no port stays bound, no job runs on.
        if (background != null) {
          background.close();
        }
        http.close();
        throw e;
      }
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Lock-outs in the audit log: the account a per-account throttle locked (never the known
   * browser's id), or the address a per-address one did.
   */
  /** {@code scheme://host[:port]}: the one origin WebAuthn ceremonies run on, the portal's. */
  private static String origin(URI publicUrl) {
    return publicUrl.getScheme()
        + "://"
        + publicUrl.getHost()
        + (publicUrl.getPort() < 0 ? "" : ":" + publicUrl.getPort());
  }

  private static Throttles.LockOuts lockOuts(Audit audit) {
    return (kind, key, wait) -> {
      AuditEntry entry =
          AuditEntry.of(AuditKind.LOCKED_OUT, Actor.ANONYMOUS)
              .reason(kind)
              .details(Map.of("wait_seconds", Math.max(1, wait.toSeconds())));
      int slash = key.indexOf('/');
      audit.record(
          switch (kind) {
            case "login_account" -> entry.subject(null, key);
            case "login_known_browser" ->
                entry.subject(null, slash < 0 ? key : key.substring(0, slash));
            default -> entry.from(key, null);
          });
    };
  }

  /**
   * Fails at startup, not at the first busy minute, when the heap cannot hold the hashes that may
   * run at once (Bouncy Castle keeps each hash's {@code m_cost} on the heap) next to the rest of
   * Gatehouse. The blocks of a running hash outlive young collections, so they must fit in the old
   * generation: with the serial collector that is two thirds of -Xmx, and a check against the whole
   * heap passed at -Xmx384m where two default-cost hashes then ran out of memory (docs/memory.md).
   */
  static void requireHeapForHashing(
      Config.Hashing hashing, long hashingHeap, long longLivedHeap, long maxHeap) {
    long needed = hashingHeap + BASE_HEAP;
    if (hashingHeap > 0 && needed > longLivedHeap) {
      // scale to the whole heap as the old generation stands to it, 5% for the survivor space
      double perOld = (double) maxHeap / longLivedHeap;
      long suggested = (long) Math.ceil(needed * 1.05 * perOld / (32 << 20)) * 32;
      throw new ConfigException(
          "hashing.max_hash_threads",
          String.format(
              "hashing with Bouncy Castle (libargon2 not in use) keeps hashing.max_hash_threads=%d"
                  + " (and one more for sign-ins from known browsers) × hashing.argon2_m_cost=%d"
                  + " KiB (%d MiB) on the heap; with %d MiB for the"
                  + " rest that needs %d MiB of old generation, but there are %d MiB (-Xmx about"
                  + " %d MiB); raise -Xmx in GATEHOUSE_JAVA_OPTS (e.g. GATEHOUSE_JAVA_OPTS=-Xmx%dm),"
                  + " lower hashing.max_hash_threads or hashing.argon2_m_cost, or install"
                  + " libargon2 (Debian: libargon2-1)",
              hashing.maxHashThreads(),
              hashing.argon2MCost(),
              hashingHeap >> 20,
              BASE_HEAP >> 20,
              needed >> 20,
              longLivedHeap >> 20,
              maxHeap >> 20,
              suggested));
    }
  }

  /** The most the old generation (where long-lived objects end up) can grow to. */
  static long longLivedHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      long max = pool.getUsage().getMax();
      if (pool.getType() == MemoryType.HEAP
          && (name.contains("Old") || name.contains("Tenured"))
          && max > 0) {
        return max;
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** The port the public listener is bound to. */
  public int port() {
    return port;
  }

  /** The admin console's routes, which a test holds against the admin API's. */
  public List<ConsoleRoute> consoleRoutes() {
    return console.routes();
  }

  /** The port of {@code [metrics] listen}, or -1 when metrics are off. */
  public int metricsPort() {
    return metricsPort;
  }

  /** The port of {@code [forward_auth] listen}, or -1 when it is not configured. */
  public int forwardAuthPort() {
    return forwardAuthPort;
  }

  /** Times an event loop was held past {@code [server] max_event_loop_block_ms} (tests: none). */
  public long blockedEventLoops() {
    return http.blockedLoops();
  }

  public Store store() {
    return store;
  }

  /** Applies provisioning files: {@code gatehouse apply} on a stopped instance, and tests. */
  public Provisioner provisioner() {
    return provisioner;
  }

  /**
   * Applies {@code [provisioning] file} before the server listens; a file with any error stops the
   * start, naming its line and field, and changes nothing.
   */
  private static void provision(
      Config.Provisioning provisioning, Provisioner provisioner, Map<String, String> env) {
    if (provisioning.file().isEmpty()) {
      return;
    }
    Path file = provisioning.file().get();
    try {
      Provisioner.Outcome outcome =
          provisioner.apply(
              ProvisioningFile.read(file, env::get),
              provisioning.prune(),
              false,
              Provisioner.By.SYSTEM);
      LOG.info(
          () ->
              outcome.changes().isEmpty()
                  ? "provisioning file " + file + ": nothing to change"
                  : "provisioning file "
                      + file
                      + " applied:\n  "
                      + String.join(
                          "\n  ", outcome.changes().stream().map(Object::toString).toList()));
    } catch (ProvisioningException e) {
      throw new ConfigException(
          "provisioning.file", "nothing of it was applied:\n" + e.getMessage());
    }
  }

  public Events events() {
    return events;
  }

  public Audit audit() {
    return audit;
  }

  /** The forward-auth gateway, whose trials tests hold against real forward-auth requests. */
  public Gateway gateway() {
    return gateway;
  }

  /** Stops accepting, lets in-flight requests finish, flushes the writer, closes the database. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    http.close();
    background.close();
    store.close();
    LOG.info("Gatehouse stopped");
  }
}
