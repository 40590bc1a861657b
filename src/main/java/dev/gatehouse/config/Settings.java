package dev.gatehouse.config;

import dev.gatehouse.net.Cidr;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every configuration key Gatehouse knows, with its default. {@code
 * config/gatehouse.reference.toml} documents each one; a test keeps the two in agreement.
 */
public final class Settings {
  private static final Pattern HOST_PORT =
      Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[^:\\s]+):\\d{1,5}$");
  private static final Pattern LOG_SYNC =
      Pattern.compile("^(immediate|immediate_async|interval_\\d{1,6})$");

  private static final Pattern COOKIE_DOMAIN =
      Pattern.compile(
          "^\\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");

  /** A comma-separated list of CIDR networks, possibly empty. */
  static List<Cidr> networks(String text) {
    return java.util.Arrays.stream(text.split(","))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .map(Cidr::parse)
        .toList();
  }

  private static boolean isNetworkList(String text) {
    try {
      networks(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static final List<Setting> ALL =
      List.of(
          Setting.string("server.listen", "127.0.0.1:8080", Settings::isHostPort, "host:port"),
          Setting.integer("server.http_workers", 0, 0, 1024),
          Setting.string("server.public_url", "", Settings::isHttpUrlOrEmpty, "an http(s) URL"),
          Setting.bool("server.swagger_ui_enable", false),
          Setting.integer("server.hsts_max_age_seconds", 31_536_000, 0, 63_072_000),
          Setting.integer("server.max_header_bytes", 65_536, 8_192, 1_048_576),
          Setting.integer("server.max_request_line_bytes", 8_192, 4_096, 1_048_576),
          Setting.integer("server.max_form_bytes", 16_384, 1_024, 1_048_576),
          Setting.integer("server.max_json_bytes", 1_048_576, 1_024, 16_777_216),
          Setting.integer("server.header_timeout_ms", 10_000, 100, 300_000),
          Setting.integer("server.idle_timeout_seconds", 75, 1, 3_600),
          Setting.integer("server.request_timeout_ms", 30_000, 100, 600_000),
          Setting.integer("server.max_connections", 8_192, 16, 1_000_000),
          Setting.integer("server.max_connections_per_address", 512, 1, 1_000_000),
          Setting.integer("server.max_pending_header_bytes", 33_554_432, 65_536, 4_294_967_296L),
          Setting.integer("server.max_event_loop_block_ms", 200, 10, 60_000),
          Setting.string(
              "server.trusted_proxies",
              "127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7",
              Settings::isNetworkList,
              "a comma-separated list of networks such as 10.0.0.0/8, or empty"),
          Setting.string(
              "database.url",
              "",
              v ->
                  v.isEmpty() || v.startsWith("jdbc:sqlite:") || v.startsWith("jdbc:postgresql://"),
              "empty (embedded SQLite in storage.data_dir), jdbc:sqlite:… or"
                  + " jdbc:postgresql://host:port/database"),
          Setting.string("database.user", "", v -> true, "a PostgreSQL role name"),
          Setting.string("database.password", "", v -> true, "the PostgreSQL role's password"),
          Setting.string("database.password_file", "", v -> true, "a file holding the password"),
          Setting.integer("database.read_pool_size", 4, 1, 256),
          Setting.integer("database.pg_max_conn", 20, 3, 1000),
          Setting.string("storage.data_dir", "./data", v -> !v.isBlank(), "a directory path"),
          Setting.string(
              "storage.log_sync",
              "immediate",
              v -> LOG_SYNC.matcher(v).matches(),
              "immediate, immediate_async or interval_<ms>"),
          Setting.string(
              "storage.ephemeral_log_sync",
              "interval_1000",
              v -> LOG_SYNC.matcher(v).matches(),
              "immediate, immediate_async or interval_<ms>"),
          Setting.string(
              "storage.audit_log_sync",
              "interval_1000",
              v -> LOG_SYNC.matcher(v).matches(),
              "immediate, immediate_async or interval_<ms>"),
          Setting.bool("storage.cache_storage_disk", true),
          Setting.integer("storage.wal_checkpoint_pages", 1000, 10, 1_000_000),
          Setting.integer("storage.wal_size_limit_bytes", 67_108_864, 0, 4_294_967_296L),
          Setting.integer("hashing.argon2_m_cost", 131072, 32768, 4194304),
          Setting.integer("hashing.argon2_t_cost", 4, 1, 64),
          Setting.integer("hashing.argon2_p_cost", 8, 2, 64),
          Setting.integer("hashing.max_hash_threads", 2, 1, 256),
          Setting.integer("hashing.max_queued_hashes", 16, 1, 10_000),
          Setting.integer("hashing.queue_deadline_ms", 5000, 100, 600_000),
          Setting.integer("hashing.thread_nice", 10, 0, 19),
          Setting.string(
              "session.cookie_domain",
              "",
              v -> v.isEmpty() || COOKIE_DOMAIN.matcher(v).matches(),
              "empty (host-only cookie) or a domain such as example.com"),
          Setting.integer("session.idle_timeout_seconds", 43200, 60, 31_536_000),
          Setting.integer("session.lifetime_seconds", 1_209_600, 300, 31_536_000),
          Setting.integer("session.activity_flush_ms", 5000, 100, 600_000),
          Setting.integer("session.miss_lookups_per_second", 50, 0, 100_000),
          Setting.integer("session.miss_cache_ms", 10_000, 100, 3_600_000),
          Setting.string(
              "forward_auth.default_policy",
              "deny",
              v -> v.equals("deny") || v.equals("authenticated") || v.equals("two_factor"),
              "deny, authenticated or two_factor"),
          Setting.string(
              "forward_auth.listen",
              "",
              v -> v.isEmpty() || isHostPort(v),
              "empty (main listener only) or host:port"),
          Setting.string(
              "oidc.key_encryption_key",
              "",
              v -> v.isEmpty() || isKey32(v),
              "empty (a key is generated into the data directory) or 32 bytes in base64"),
          Setting.integer("oidc.key_rotation_grace_seconds", 3600, 0, 2_592_000),
          Setting.integer("throttle.address_free_failures", 10, 1, 10_000),
          Setting.integer("throttle.account_free_failures", 5, 1, 10_000),
          Setting.integer("throttle.base_delay_ms", 1000, 1, 3_600_000),
          Setting.integer("throttle.max_delay_seconds", 600, 1, 86_400),
          Setting.integer("throttle.window_seconds", 3600, 1, 604_800),
          Setting.integer("throttle.max_tracked_keys", 20_000, 100, 10_000_000),
          Setting.integer("throttle.known_browser_days", 365, 1, 3650),
          Setting.integer("throttle.device_codes_per_client", 100, 1, 1_000_000),
          Setting.integer("oidc.max_jtis_per_client", 20_000, 1, 10_000_000),
          Setting.bool("mfa.require_for_admins", false),
          Setting.string(
              "mfa.issuer",
              "Gatehouse",
              v -> !v.isBlank() && v.length() <= 64 && v.indexOf(':') < 0,
              "a name of 1 to 64 characters without ':' (shown in authenticator apps)"),
          Setting.integer("mfa.max_passkeys", 20, 1, 1000),
          Setting.string(
              "webauthn.rp_id",
              "",
              v -> v.isEmpty() || COOKIE_DOMAIN.matcher(v).matches() && !v.startsWith("."),
              "empty (the host of server.public_url) or a domain such as example.com"),
          Setting.bool("account.allow_email_change", false),
          Setting.string(
              "console.networks",
              "",
              Settings::isNetworkList,
              "a comma-separated list of networks such as 192.168.0.0/16, or empty (anywhere)"),
          Setting.string(
              "provisioning.file",
              "",
              v -> v.isEmpty() || !v.isBlank(),
              "the path of a provisioning file, or empty (none)"),
          Setting.bool("provisioning.prune", false),
          Setting.bool("metrics.enable", false),
          Setting.string("metrics.listen", "127.0.0.1:9090", Settings::isHostPort, "host:port"),
          Setting.integer("audit.retention_days", 90, 0, 36_500),
          Setting.bool("audit.log_stdout", false));

  private Settings() {}

  static boolean isHostPort(String value) {
    if (!HOST_PORT.matcher(value).matches()) {
      return false;
    }
    int port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
    return port <= 65535;
  }

  private static boolean isKey32(String value) {
    try {
      return java.util.Base64.getDecoder().decode(value.strip()).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isHttpUrlOrEmpty(String value) {
    if (value.isEmpty()) {
      return true;
    }
    try {
      URI uri = new URI(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
