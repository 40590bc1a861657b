package dev.gatehouse.config;

import dev.gatehouse.net.Cidr;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The resolved configuration: file, then environment overrides, then defaults. */
public record Config(
    Server server,
    Database database,
    Storage storage,
    Hashing hashing,
    Session session,
    ForwardAuth forwardAuth,
    Oidc oidc,
    Throttle throttle,
    Mfa mfa,
    Metrics metrics,
    Audit audit,
    Account account,
    Console console,
    Provisioning provisioning) {

  /** {@code [server]}. */
  public record Server(
      HostPort listen,
      int httpWorkers,
      URI publicUrl,
      boolean publicUrlConfigured,
      boolean swaggerUiEnable,
      List<Cidr> trustedProxies,
      long hstsMaxAgeSeconds,
      Limits limits) {

    /**
     * The {@code Strict-Transport-Security} value to send on every response, or null when the
     * public URL is plain http or {@code hsts_max_age_seconds} is 0.
     */
    public @Nullable String strictTransportSecurity() {
      return "https".equals(publicUrl.getScheme()) && hstsMaxAgeSeconds > 0
          ? "max-age=" + hstsMaxAgeSeconds
          : null;
    }

    /**
     * Event loops serving HTTP: the configured count, or two per core. A loop serves hundreds of
     * connections in turn; with a spare one per core the kernel can run one while another is
     * preempted, which kept p99 at 400 connections steady where one per core let it swing tenfold
     * (docs/benchmarks.md, "How many event loops"). Blocking work never runs on them.
     */
    public int effectiveHttpWorkers() {
      return httpWorkers > 0 ? httpWorkers : 2 * Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * What one request or connection may cost, on every listener: bytes of headers and bodies, how
   * long a request may take to arrive and to be answered, and how many connections may be open.
   */
  public record Limits(
      int maxHeaderBytes,
      int maxRequestLineBytes,
      int maxFormBytes,
      int maxJsonBytes,
      int headerTimeoutMs,
      int idleTimeoutSeconds,
      int requestTimeoutMs,
      int maxConnections,
      int maxConnectionsPerAddress,
      long maxPendingHeaderBytes,
      int maxEventLoopBlockMs) {}

  /** {@code [database]}. */
  /**
   * {@code [database]}: the URL (empty for the embedded SQLite database), the read pool of SQLite,
   * and for PostgreSQL the connection limit, role and password ({@code password}, else read from
   * {@code password_file}; empty when the URL or the server's own configuration supplies it).
   */
  public record Database(
      String url, int readPoolSize, int pgMaxConn, String user, String password) {
    /** Keeps the password out of logs and error messages. */
    @Override
    public String toString() {
      return "Database[url="
          + url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
          + ", readPoolSize="
          + readPoolSize
          + ", pgMaxConn="
          + pgMaxConn
          + ", user="
          + user
          + ", password="
          + (password.isEmpty() ? "" : "(set)")
          + "]";
    }
  }

  /** {@code [storage]}. */
  public record Storage(
      Path dataDir,
      String logSync,
      String ephemeralLogSync,
      String auditLogSync,
      boolean cacheStorageDisk,
      int walCheckpointPages,
      long walSizeLimitBytes) {}

  /** {@code [hashing]}. */
  public record Hashing(
      int argon2MCost,
      int argon2TCost,
      int argon2PCost,
      int maxHashThreads,
      int maxQueuedHashes,
      int queueDeadlineMs,
      int threadNice) {}

  /** {@code [session]}. */
  public record Session(
      String cookieDomain,
      int idleTimeoutSeconds,
      int lifetimeSeconds,
      int activityFlushMs,
      int missLookupsPerSecond,
      int missCacheMs) {}

  /** {@code [forward_auth]}. */
  /** {@code [forward_auth]}; {@code listen} empty when the endpoints are on the main port only. */
  public record ForwardAuth(String defaultPolicy, Optional<HostPort> listen) {}

  /**
   * {@code [oidc]}: the key that seals signing keys at rest (base64, or empty to generate one into
   * the data directory), and how long a rotated-in key is published before it signs.
   */
  public record Oidc(String keyEncryptionKey, int keyRotationGraceSeconds, int maxJtisPerClient) {
    /** Keeps the key out of logs and error messages. */
    @Override
    public String toString() {
      return "Oidc[keyEncryptionKey="
          + (keyEncryptionKey.isEmpty() ? "" : "(set)")
          + ", keyRotationGraceSeconds="
          + keyRotationGraceSeconds
          + ", maxJtisPerClient="
          + maxJtisPerClient
          + "]";
    }
  }

  /**
   * {@code [throttle]}: how many failed guesses are free per client address and per account, the
   * back-off after them, how long a key is remembered, how many keys each throttle tracks, how long
   * a known-browser cookie lasts, and how many unexpired device codes one client may hold.
   */
  public record Throttle(
      int addressFreeFailures,
      int accountFreeFailures,
      int baseDelayMs,
      int maxDelaySeconds,
      int windowSeconds,
      int maxTrackedKeys,
      int knownBrowserDays,
      int deviceCodesPerClient) {}

  /**
   * {@code [mfa]} and {@code [webauthn]}: whether the {@code admins} group must always sign in with
   * a second factor; the name authenticator apps show; how many passkeys and security keys one user
   * may register; the WebAuthn relying party id (the host of {@code public_url}, or a parent domain
   * of it so that passkeys work across its subdomains).
   */
  public record Mfa(boolean requireForAdmins, String issuer, int maxPasskeys, String rpId) {}

  /** {@code [metrics]}. */
  public record Metrics(boolean enable, HostPort listen) {}

  /** {@code [audit]}: days events are kept (0 = forever) and whether each is also on stdout. */
  public record Audit(int retentionDays, boolean logStdout) {}

  /** {@code [account]}: what users may change about themselves on the account page. */
  public record Account(boolean allowEmailChange) {}

  /** {@code [console]}: the networks the admin console answers from; empty for anywhere. */
  public record Console(List<Cidr> networks) {}

  /**
   * {@code [provisioning]}: a file of groups, users, apps, clients and API keys applied at every
   * start, before the server listens; {@code prune} deletes what the file created and no longer
   * declares.
   */
  public record Provisioning(Optional<Path> file, boolean prune) {}

  /** The configuration with every key at its default. */
  public static Config defaults() {
    return ConfigLoader.load(null, Map.of());
  }

  static Config from(Map<String, Object> v) {
    HostPort listen = HostPort.parse(str(v, "server.listen"));
    String publicUrl = str(v, "server.public_url");
    return new Config(
        new Server(
            listen,
            integer(v, "server.http_workers"),
            URI.create(publicUrl.isEmpty() ? "http://" + listen : stripSlash(publicUrl)),
            !publicUrl.isEmpty(),
            (Boolean) v.get("server.swagger_ui_enable"),
            Settings.networks(str(v, "server.trusted_proxies")),
            (Long) v.get("server.hsts_max_age_seconds"),
            new Limits(
                integer(v, "server.max_header_bytes"),
                integer(v, "server.max_request_line_bytes"),
                integer(v, "server.max_form_bytes"),
                integer(v, "server.max_json_bytes"),
                integer(v, "server.header_timeout_ms"),
                integer(v, "server.idle_timeout_seconds"),
                integer(v, "server.request_timeout_ms"),
                integer(v, "server.max_connections"),
                integer(v, "server.max_connections_per_address"),
                (Long) v.get("server.max_pending_header_bytes"),
                integer(v, "server.max_event_loop_block_ms"))),
        new Database(
            str(v, "database.url"),
            integer(v, "database.read_pool_size"),
            integer(v, "database.pg_max_conn"),
            str(v, "database.user"),
            databasePassword(v)),
        new Storage(
            Path.of(str(v, "storage.data_dir")),
            str(v, "storage.log_sync"),
            str(v, "storage.ephemeral_log_sync"),
            str(v, "storage.audit_log_sync"),
            (Boolean) v.get("storage.cache_storage_disk"),
            integer(v, "storage.wal_checkpoint_pages"),
            (Long) v.get("storage.wal_size_limit_bytes")),
        new Hashing(
            integer(v, "hashing.argon2_m_cost"),
            integer(v, "hashing.argon2_t_cost"),
            integer(v, "hashing.argon2_p_cost"),
            integer(v, "hashing.max_hash_threads"),
            integer(v, "hashing.max_queued_hashes"),
            integer(v, "hashing.queue_deadline_ms"),
            integer(v, "hashing.thread_nice")),
        new Session(
            str(v, "session.cookie_domain"),
            integer(v, "session.idle_timeout_seconds"),
            integer(v, "session.lifetime_seconds"),
            integer(v, "session.activity_flush_ms"),
            integer(v, "session.miss_lookups_per_second"),
            integer(v, "session.miss_cache_ms")),
        new ForwardAuth(
            str(v, "forward_auth.default_policy"),
            str(v, "forward_auth.listen").isEmpty()
                ? Optional.empty()
                : Optional.of(HostPort.parse(str(v, "forward_auth.listen")))),
        new Oidc(
            str(v, "oidc.key_encryption_key"),
            integer(v, "oidc.key_rotation_grace_seconds"),
            integer(v, "oidc.max_jtis_per_client")),
        new Throttle(
            integer(v, "throttle.address_free_failures"),
            integer(v, "throttle.account_free_failures"),
            integer(v, "throttle.base_delay_ms"),
            integer(v, "throttle.max_delay_seconds"),
            integer(v, "throttle.window_seconds"),
            integer(v, "throttle.max_tracked_keys"),
            integer(v, "throttle.known_browser_days"),
            integer(v, "throttle.device_codes_per_client")),
        mfa(v, publicUrl.isEmpty() ? listen.host() : URI.create(publicUrl).getHost()),
        new Metrics((Boolean) v.get("metrics.enable"), HostPort.parse(str(v, "metrics.listen"))),
        new Audit(integer(v, "audit.retention_days"), (Boolean) v.get("audit.log_stdout")),
        new Account((Boolean) v.get("account.allow_email_change")),
        new Console(Settings.networks(str(v, "console.networks"))),
        new Provisioning(
            str(v, "provisioning.file").isEmpty()
                ? Optional.empty()
                : Optional.of(Path.of(str(v, "provisioning.file"))),
            (Boolean) v.get("provisioning.prune")));
  }

  /**
   * A passkey is bound to its rp id, and browsers accept only the page's host or a parent domain of
   * it: anything else would fail at the first registration, so it stops the start instead.
   */
  private static Mfa mfa(Map<String, Object> v, @Nullable String host) {
    String rpId = str(v, "webauthn.rp_id");
    String page = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
    if (rpId.isEmpty()) {
      rpId = page;
    } else if (!page.equals(rpId) && !page.endsWith("." + rpId)) {
      throw new ConfigException(
          "webauthn.rp_id",
          "must be the host of server.public_url ("
              + page
              + ") or a parent domain of it, not "
              + rpId);
    }
    return new Mfa(
        (Boolean) v.get("mfa.require_for_admins"),
        str(v, "mfa.issuer"),
        integer(v, "mfa.max_passkeys"),
        rpId);
  }

  private static String databasePassword(Map<String, Object> v) {
    String password = str(v, "database.password");
    String file = str(v, "database.password_file");
    if (file.isEmpty()) {
      return password;
    }
    if (!password.isEmpty()) {
      throw new ConfigException(
          "database.password_file", "set either database.password or database.password_file");
    }
    try {
      return java.nio.file.Files.readString(Path.of(file)).strip();
    } catch (java.io.IOException e) {
      throw new ConfigException("database.password_file", "cannot read " + file + ": " + e);
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String str(Map<String, Object> v, String key) {
    return (String) v.get(key);
  }

  private static int integer(Map<String, Object> v, String key) {
    return Math.toIntExact((Long) v.get(key));
  }
}
