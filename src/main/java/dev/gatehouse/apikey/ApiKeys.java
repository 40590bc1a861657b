package dev.gatehouse.apikey;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.RowMapper;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Admin API keys. Authentication is answered from memory: a map from secret digest to key, loaded
 * at start and kept current by this package's own events, so checking a key costs no query.
 */
public final class ApiKeys {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$");
  private static final String COLUMNS = "id, name, role, expires_at, created_at";
  private static final RowMapper<ApiKey> ROW =
      row ->
          new ApiKey(
              row.getString(1),
              row.getString(2),
              ApiKey.Role.valueOf(row.getString(3)),
              instantOrNull(row, 4),
              Instant.ofEpochMilli(row.getLong(5)));

  private final Writer writer;
  private final Reads reads;
  private final Secrets secrets;
  private final InstantSource clock;
  private final Map<String, ApiKey> byDigest = new ConcurrentHashMap<>();

  public ApiKeys(Writer writer, Reads reads, Secrets secrets, InstantSource clock, Events events) {
    this.writer = writer;
    this.reads = reads;
    this.secrets = secrets;
    this.clock = clock;
    events.subscribe(
        ApiKeyEvent.class,
        event -> {
          switch (event) {
            case ApiKeyEvent.ApiKeyCreated created ->
                byDigest.put(created.secretDigest(), created.key());
            case ApiKeyEvent.ApiKeyDeleted deleted ->
                byDigest.values().removeIf(key -> key.id().equals(deleted.id()));
          }
        });
    events.onAnnounced(ApiKeyEvent.TOPIC, this::announced);
    events.onReload(this::load);
  }

  private static final String WITH_DIGEST = "SELECT secret_digest, " + COLUMNS + " FROM api_keys";

  /** What another node's change to key {@code id} means here: created, or gone. */
  private List<ApiKeyEvent> announced(String id) {
    return List.of(
        reads
            .read(q -> q.one(WITH_DIGEST + " WHERE id = ?", ApiKeys::withDigest, id))
            .<ApiKeyEvent>map(e -> new ApiKeyEvent.ApiKeyCreated(e.getValue(), e.getKey()))
            .orElseGet(() -> new ApiKeyEvent.ApiKeyDeleted(id)));
  }

  private static Map.Entry<String, ApiKey> withDigest(ResultSet row) throws SQLException {
    return Map.entry(
        row.getString(1),
        new ApiKey(
            row.getString(2),
            row.getString(3),
            ApiKey.Role.valueOf(row.getString(4)),
            instantOrNull(row, 5),
            Instant.ofEpochMilli(row.getLong(6))));
  }

  /**
   * Fills the in-memory index from the database, replacing what it held: once before serving, and
   * when a cluster node reloads.
   */
  public void load() {
    Map<String, ApiKey> loaded = new HashMap<>();
    reads
        .read(q -> q.list(WITH_DIGEST, ApiKeys::withDigest))
        .forEach(e -> loaded.put(e.getKey(), e.getValue()));
    byDigest.keySet().retainAll(loaded.keySet());
    byDigest.putAll(loaded);
  }

  /** The unexpired key with this secret, if any; constant-time in the secret's content. */
  public Optional<ApiKey> authenticate(String secret) {
    ApiKey key = byDigest.get(Secrets.digest(secret));
    return key == null || key.expiredAt(clock.instant()) ? Optional.empty() : Optional.of(key);
  }

  public CreatedApiKey create(
      @Nullable String name, @Nullable String role, @Nullable Instant expiresAt) {
    String checkedName = name(name);
    ApiKey.Role checkedRole = role(role);
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      throw new Failure.Invalid("expires_at", "expires_at must be in the future");
    }
    String secret = secrets.generate("gh_ak_");
    ApiKey key =
        writer.write(
            tx ->
                insert(
                    tx,
                    clock.millis(),
                    checkedName,
                    checkedRole,
                    expiresAt,
                    Secrets.digest(secret)));
    return new CreatedApiKey(key, secret);
  }

  /**
   * A key whose secret is known only by its SHA-256 {@code digest}: a provisioning file declares
   * keys this way, never in clear. An expiry in the past is allowed (the key is then refused).
   */
  public ApiKey createWithDigest(
      @Nullable String name, @Nullable String role, @Nullable Instant expiresAt, String digest) {
    String checkedName = name(name);
    ApiKey.Role checkedRole = role(role);
    return writer.write(
        tx -> insert(tx, clock.millis(), checkedName, checkedRole, expiresAt, digest));
  }

  /**
   * Inserts a key with the secret whose SHA-256 is {@code digest} inside a larger unit of work (the
   * bootstrap uses this).
   */
  public static ApiKey insert(
      Tx tx, long now, String name, ApiKey.Role role, @Nullable Instant expiresAt, String digest) {
    if (tx.count("SELECT COUNT(*) FROM api_keys WHERE name = ?", name) > 0) {
      throw new Failure.Conflict("name", "an API key named " + name + " exists");
    }
    if (tx.count("SELECT COUNT(*) FROM api_keys WHERE secret_digest = ?", digest) > 0) {
      throw new Failure.Conflict("secret", "this secret is already in use");
    }
    ApiKey key =
        new ApiKey(UUID.randomUUID().toString(), name, role, expiresAt, Instant.ofEpochMilli(now));
    tx.update(
        "INSERT INTO api_keys (id, name, secret_digest, role, expires_at, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        key.id(),
        name,
        digest,
        role.name(),
        expiresAt == null ? null : expiresAt.toEpochMilli(),
        now);
    tx.publish(new ApiKeyEvent.ApiKeyCreated(key, digest));
    return key;
  }

  public ApiKey get(String id) {
    return reads
        .read(q -> q.one("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", ROW, id))
        .orElseThrow(() -> new Failure.NotFound("no API key with id " + id));
  }

  public Listing<ApiKey> list(int limit, int offset) {
    return reads.read(
        q ->
            new Listing<>(
                q.list(
                    "SELECT " + COLUMNS + " FROM api_keys ORDER BY name LIMIT ? OFFSET ?",
                    ROW,
                    limit,
                    offset),
                q.count("SELECT COUNT(*) FROM api_keys")));
  }

  /**
   * Deletes a key, except the last unexpired admin key: the admin API is reached only with one, so
   * deleting it would lock every administrator out.
   */
  public void delete(String id) {
    long now = clock.millis();
    writer.write(
        tx -> {
          String live = "role = 'admin' AND (expires_at IS NULL OR expires_at > ?)";
          if (tx.count("SELECT COUNT(*) FROM api_keys WHERE id = ? AND " + live, id, now) > 0
              && tx.count("SELECT COUNT(*) FROM api_keys WHERE " + live, now) == 1) {
            throw new Failure.Conflict(
                "id", "the last admin API key cannot be deleted; create another admin key first");
          }
          if (tx.update("DELETE FROM api_keys WHERE id = ?", id) == 0) {
            throw new Failure.NotFound("no API key with id " + id);
          }
          tx.publish(new ApiKeyEvent.ApiKeyDeleted(id));
          return null;
        });
  }

  private static String name(@Nullable String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new Failure.Invalid("name", "name must be 1-64 letters, digits, spaces or . _ -");
    }
    return name;
  }

  private static ApiKey.Role role(@Nullable String role) {
    if (role == null) {
      return ApiKey.Role.admin;
    }
    try {
      return ApiKey.Role.valueOf(role);
    } catch (IllegalArgumentException e) {
      throw new Failure.Invalid("role", "role must be admin or read_only");
    }
  }

  /** wasNull() speaks of the column read last, so it must follow its getLong() directly. */
  private static @Nullable Instant instantOrNull(ResultSet row, int column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
