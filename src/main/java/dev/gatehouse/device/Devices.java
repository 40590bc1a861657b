package dev.gatehouse.device;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.MissedLookups;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import dev.gatehouse.user.UserEvent;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Paired devices (shard_core's model). A user asks for a short one-time pairing code; the device
 * redeems it for a 256-bit token, stored only as its SHA-256 digest. The token authenticates the
 * device on the hot path from memory, like a session.
 */
public final class Devices {
  /** Unambiguous characters: no 0/O, 1/I/L. */
  private static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

  private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
  private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N} ._'()-]{1,64}$");

  private final Writer writer;
  private final Reads reads;
  private final InstantSource clock;
  private final Supplier<SecureRandom> random;
  private final @Nullable MissedLookups missed;
  private final Map<String, Device> byDigest = new ConcurrentHashMap<>();
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  /**
   * @param missed which unknown device tokens may be looked up in the database, on a database other
   *     nodes write to (a pairing there not heard of yet); null on one node
   */
  public Devices(
      Writer writer,
      Reads reads,
      InstantSource clock,
      Supplier<SecureRandom> random,
      Events events,
      @Nullable MissedLookups missed) {
    this.writer = writer;
    this.reads = reads;
    this.clock = clock;
    this.random = random;
    this.missed = missed;
    events.subscribe(
        DeviceEvent.class,
        event -> {
          switch (event) {
            case DeviceEvent.Paired paired -> {
              byDigest.put(paired.tokenDigest(), paired.device());
              if (missed != null) {
                missed.found(paired.tokenDigest());
              }
            }
            case DeviceEvent.Revoked revoked ->
                byDigest.values().removeIf(d -> d.id().equals(revoked.deviceId()));
          }
        });
    events.subscribe(
        UserEvent.UserDeleted.class,
        deleted -> byDigest.values().removeIf(d -> d.userId().equals(deleted.id())));
    events.onAnnounced(DeviceEvent.TOPIC, this::reread);
    events.onReload(this::load);
  }

  private static final String DEVICES =
      "SELECT token_digest, id, user_id, name, created_at, last_seen, two_factor FROM devices";

  /** Loads every device, replacing what memory held: at start, and when a cluster node reloads. */
  public void load() {
    Map<String, Device> loaded = new HashMap<>();
    reads
        .read(q -> q.list(DEVICES, Devices::row))
        .forEach(e -> loaded.put(e.getKey(), e.getValue()));
    byDigest.keySet().retainAll(loaded.keySet());
    byDigest.putAll(loaded);
  }

  /** What another node's change to device {@code id} means here: paired, or gone. */
  private List<DeviceEvent> reread(String id) {
    List<Map.Entry<String, Device>> rows =
        reads.read(q -> q.list(DEVICES + " WHERE id = ?", Devices::row, id));
    return rows.isEmpty()
        ? List.of(new DeviceEvent.Revoked(id))
        : List.of(new DeviceEvent.Paired(rows.getFirst().getValue(), rows.getFirst().getKey()));
  }

  private static Map.Entry<String, Device> row(ResultSet row) throws SQLException {
    long lastSeen = row.getLong(6);
    boolean never = row.wasNull();
    return Map.entry(
        row.getString(1),
        new Device(
            row.getString(2),
            row.getString(3),
            row.getString(4),
            Instant.ofEpochMilli(row.getLong(5)),
            never ? null : Instant.ofEpochMilli(lastSeen),
            row.getBoolean(7)));
  }

  /**
   * A new pairing code for {@code userId}'s device called {@code name}, valid for ten minutes;
   * {@code twoFactor} when the session pairing it proved two factors.
   */
  public PairingCode startPairing(String userId, @Nullable String name, boolean twoFactor) {
    String checked = name(name);
    String code = code();
    Instant expires = clock.instant().plus(CODE_LIFETIME);
    writer.write(
        DataClass.EPHEMERAL,
        tx ->
            tx.update(
                "INSERT INTO pairing_codes (code_digest, user_id, name, expires_at, two_factor)"
                    + " VALUES (?, ?, ?, ?, ?)",
                Secrets.digest(normalise(code)),
                userId,
                checked,
                expires.toEpochMilli(),
                twoFactor));
    return new PairingCode(code, checked, expires);
  }

  /** Redeems a pairing code once; returns the device and its token. */
  public PairedDevice redeem(@Nullable String code) {
    if (code == null || code.isBlank() || code.length() > 32) {
      throw new Failure.Invalid("code", "a pairing code is required");
    }
    String digest = Secrets.digest(normalise(code));
    byte[] bytes = new byte[32];
    random.get().nextBytes(bytes);
    String token =
        "gh_dt_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    long now = clock.millis();
    Device device =
        writer.write(
            tx -> {
              record Pending(String userId, String name, long expiresAt, boolean twoFactor) {}
              Pending pending =
                  tx.one(
                          "SELECT user_id, name, expires_at, two_factor FROM pairing_codes"
                              + " WHERE code_digest = ?",
                          row ->
                              new Pending(
                                  row.getString(1),
                                  row.getString(2),
                                  row.getLong(3),
                                  row.getBoolean(4)),
                          digest)
                      .orElseThrow(
                          () -> new Failure.Invalid("code", "unknown or used pairing code"));
              tx.update("DELETE FROM pairing_codes WHERE code_digest = ?", digest);
              if (pending.expiresAt() <= now) {
                throw new Failure.Invalid("code", "this pairing code has expired");
              }
              Device paired =
                  new Device(
                      UUID.randomUUID().toString(),
                      pending.userId(),
                      pending.name(),
                      Instant.ofEpochMilli(now),
                      null,
                      pending.twoFactor());
              String tokenDigest = Secrets.digest(token);
              tx.update(
                  "INSERT INTO devices (id, user_id, name, token_digest, created_at, two_factor)"
                      + " VALUES (?, ?, ?, ?, ?, ?)",
                  paired.id(),
                  paired.userId(),
                  paired.name(),
                  tokenDigest,
                  now,
                  paired.twoFactor());
              tx.publish(new DeviceEvent.Paired(paired, tokenDigest));
              return paired;
            });
    return new PairedDevice(device, token);
  }

  /** The device a token belongs to, or null. Hot path: no I/O; last-seen is kept in memory. */
  public @Nullable Device resolve(String token) {
    Device device = byDigest.get(Secrets.digest(token));
    if (device != null) {
      seen.put(device.id(), clock.millis());
    }
    return device;
  }

  /**
   * Whether a token memory does not know should be looked up in the database ({@link #lookUp}): on
   * a cluster only, well-formed, not looked up in vain lately, within the lookups allowed a second.
   * Hot path: no I/O.
   */
  public boolean worthLookingUp(String token) {
    if (missed == null || !token.startsWith("gh_dt_")) {
      return false;
    }
    String digest = Secrets.digest(token);
    return !byDigest.containsKey(digest) && missed.mayLookUp(token, digest, clock.millis());
  }

  /** Reads the device behind {@code token} from the database (blocking) into memory. */
  public void lookUp(String token) {
    String digest = Secrets.digest(token);
    List<Map.Entry<String, Device>> rows =
        reads.read(q -> q.list(DEVICES + " WHERE token_digest = ?", Devices::row, digest));
    if (rows.isEmpty()) {
      if (missed != null) {
        missed.missing(digest);
      }
      return;
    }
    byDigest.putIfAbsent(digest, rows.getFirst().getValue());
  }

  /** {@code userId}'s devices, most recently seen first. */
  public List<Device> of(String userId) {
    List<Device> devices = new ArrayList<>();
    for (Device device : byDigest.values()) {
      if (device.userId().equals(userId)) {
        devices.add(withSeen(device));
      }
    }
    devices.sort(
        Comparator.comparing((Device d) -> d.lastSeen() == null ? d.createdAt() : d.lastSeen())
            .reversed());
    return devices;
  }

  /** Every device, for admins. */
  public List<Device> all() {
    return byDigest.values().stream()
        .map(this::withSeen)
        .sorted(Comparator.comparing(Device::createdAt))
        .toList();
  }

  /** Revokes a device; {@code userId} null means an admin, who may revoke any. */
  public void revoke(@Nullable String userId, String deviceId) {
    writer.write(
        tx -> {
          int removed =
              userId == null
                  ? tx.update("DELETE FROM devices WHERE id = ?", deviceId)
                  : tx.update("DELETE FROM devices WHERE id = ? AND user_id = ?", deviceId, userId);
          if (removed == 0) {
            throw new Failure.NotFound("no device with id " + deviceId);
          }
          tx.publish(new DeviceEvent.Revoked(deviceId));
          return null;
        });
    seen.remove(deviceId);
  }

  /**
   * Revokes every device of {@code userId} inside {@code tx}, and their pending pairing codes: a
   * password change or disabling, in the same unit of work as the change (see {@code
   * user.DerivedCredentials}). A device token was handed out by a session the old password opened.
   */
  public void endIn(Tx tx, String userId) {
    List<String> ids =
        tx.list("SELECT id FROM devices WHERE user_id = ?", row -> row.getString(1), userId);
    tx.update("DELETE FROM devices WHERE user_id = ?", userId);
    tx.update("DELETE FROM pairing_codes WHERE user_id = ?", userId);
    ids.forEach(id -> tx.publish(new DeviceEvent.Revoked(id)));
  }

  /** Persists last-seen times gathered since the last flush, in one unit of work. */
  public void flush() {
    if (seen.isEmpty()) {
      return;
    }
    Map<String, Long> batch = Map.copyOf(seen);
    batch.forEach(seen::remove);
    try {
      writer.write(
          DataClass.EPHEMERAL,
          tx -> {
            batch.forEach(
                (id, at) ->
                    tx.update(
                        "UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)",
                        at,
                        id,
                        at));
            tx.update("DELETE FROM pairing_codes WHERE expires_at <= ?", clock.millis());
            return null;
          });
    } catch (RuntimeException e) {
      // Not written (disk full, shutting down): keep the times for the next flush.
      batch.forEach(seen::putIfAbsent);
      throw e;
    }
    for (Map.Entry<String, Device> entry : byDigest.entrySet()) {
      Long at = batch.get(entry.getValue().id());
      if (at != null) {
        entry.setValue(entry.getValue().seenAt(Instant.ofEpochMilli(at)));
      }
    }
  }

  public int size() {
    return byDigest.size();
  }

  private Device withSeen(Device device) {
    Long at = seen.get(device.id());
    return at == null ? device : device.seenAt(Instant.ofEpochMilli(at));
  }

  private String code() {
    SecureRandom rng = random.get();
    StringBuilder code = new StringBuilder(9);
    for (int i = 0; i < 8; i++) {
      if (i == 4) {
        code.append('-');
      }
      code.append(CODE_ALPHABET.charAt(rng.nextInt(CODE_ALPHABET.length())));
    }
    return code.toString();
  }

  /** Codes are typed by people: case and separators do not matter. */
  private static String normalise(String code) {
    return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
  }

  private static String name(@Nullable String name) {
    if (name == null || name.isBlank()) {
      return "device";
    }
    if (!NAME.matcher(name.strip()).matches()) {
      throw new Failure.Invalid("name", "name must be 1-64 letters, digits, spaces or . _ ' ( ) -");
    }
    return name.strip();
  }
}
