package dev.gatehouse.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.crypto.CpuPool;
import dev.gatehouse.crypto.EdDsa;
import dev.gatehouse.crypto.Rs256;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.Writer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The provider's signing keys, one line per algorithm (RS256, ES256, EdDSA).
 *
 * <p>What always holds:
 *
 * <ul>
 *   <li>A key is in the JWKS before it signs anything: a rotated-in key is published at once and
 *       signs only from {@code signs_from}, after a grace period in which relying parties refresh
 *       their cached JWKS.
 *   <li>A key stays in the JWKS until {@link #MAX_TOKEN_LIFETIME} after a newer key took over, so
 *       every token it signed can still be verified until it expires.
 *   <li>Private keys exist in clear only in memory; the database holds them sealed under the key
 *       encryption key.
 *   <li>Signing, verifying and serving the JWKS read only memory: an immutable snapshot, rebuilt
 *       when the keys change or when the clock passes the next time a key starts or stops.
 * </ul>
 */
public final class SigningKeys {
  /** No token Gatehouse signs lives longer than this (client lifetimes are capped to it). */
  public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(1);

  private final CpuPool signers =
      new CpuPool("jwt-signer", Runtime.getRuntime().availableProcessors());

  public static final List<String> ALGORITHMS = List.of("RS256", "ES256", "EdDSA");

  private record Snapshot(
      Map<String, HeldKey> active,
      Map<String, HeldKey> published,
      Map<String, Long> publishedUntil,
      byte[] jwks,
      long validUntil) {}

  private final Writer writer;
  private final Reads reads;
  private final KeyEncryption encryption;
  private final InstantSource clock;
  private final Supplier<SecureRandom> random;
  private final Duration grace;
  private final Audit audit;
  private volatile List<HeldKey> keys = List.of();
  private volatile Snapshot snapshot;

  public SigningKeys(
      Writer writer,
      Reads reads,
      KeyEncryption encryption,
      InstantSource clock,
      Supplier<SecureRandom> random,
      Duration grace,
      Events events,
      Audit audit) {
    this.writer = writer;
    this.audit = audit;
    this.reads = reads;
    this.encryption = encryption;
    this.clock = clock;
    this.random = random;
    this.grace = grace;
    this.snapshot = build(List.of(), clock.millis());
    events.subscribe(SigningEvent.class, this::apply);
    // Another node rotated: read the (sealed) keys again rather than receive them.
    events.onAnnounced(
        SigningEvent.TOPIC,
        ignored -> {
          load();
          return List.of();
        });
    events.onReload(this::load);
  }

  /** Loads the keys, generating one per algorithm on first start; call once before serving. */
  public void start() {
    load();
    if (keys.stream().map(HeldKey::alg).distinct().count() == ALGORITHMS.size()) {
      return;
    }
    long now = clock.millis();
    // Nodes of a cluster starting together on an empty database: one generates, the others wait
    // for it and find its keys.
    boolean generated =
        writer.write(
            tx -> {
              tx.waitForJob("first signing keys");
              Set<String> present =
                  Set.copyOf(tx.list("SELECT alg FROM signing_keys", row -> row.getString(1)));
              List<String> missing =
                  ALGORITHMS.stream().filter(alg -> !present.contains(alg)).toList();
              if (missing.isEmpty()) {
                return false;
              }
              List<HeldKey> fresh = missing.stream().map(alg -> generate(alg, now, now)).toList();
              audit.recordIn(
                  tx, rotated(Actor.SYSTEM, fresh, List.of(), "no key yet for " + missing));
              insertIn(tx, fresh, List.of());
              return true;
            });
    if (!generated) {
      load();
    }
  }

  /**
   * Adds a new key for every algorithm, published now and signing after {@code graceOverride} (or
   * the configured grace); forgets keys whose tokens have all expired. The audit event, by {@code
   * actor}, commits with the keys.
   */
  public List<SigningKey> rotate(@Nullable Duration graceOverride, Actor actor) {
    long now = clock.millis();
    long signsFrom = now + (graceOverride != null ? graceOverride : grace).toMillis();
    List<HeldKey> fresh = ALGORITHMS.stream().map(alg -> generate(alg, now, signsFrom)).toList();
    Snapshot current = current();
    List<String> expired =
        keys.stream()
            .map(HeldKey::kid)
            .filter(kid -> !current.published().containsKey(kid))
            .toList();
    writer.write(
        tx -> {
          for (String kid : expired) {
            tx.update("DELETE FROM signing_keys WHERE kid = ?", kid);
          }
          insertIn(tx, fresh, expired);
          audit.recordIn(tx, rotated(actor, fresh, expired, "rotation"));
          return null;
        });
    return list();
  }

  private static AuditEntry rotated(
      Actor actor, List<HeldKey> fresh, List<String> removed, String reason) {
    return AuditEntry.of(AuditKind.SIGNING_KEY_ROTATED, actor)
        .object("signing_keys", null)
        .reason(reason)
        .details(
            Map.of(
                "added",
                fresh.stream().map(k -> Map.of("kid", k.kid(), "alg", k.alg())).toList(),
                "removed",
                removed));
  }

  /** Every key still held, newest first. */
  public List<SigningKey> list() {
    Snapshot current = current();
    long now = clock.millis();
    return keys.stream()
        .sorted(Comparator.comparingLong(HeldKey::createdAt).reversed())
        .map(
            k -> {
              Long until = current.publishedUntil().get(k.kid());
              String state =
                  current.active().get(k.alg()) == k
                      ? "active"
                      : k.signsFrom() > now ? "next" : "retired";
              return new SigningKey(
                  k.kid(),
                  k.alg(),
                  Instant.ofEpochMilli(k.createdAt()),
                  Instant.ofEpochMilli(k.signsFrom()),
                  until == null ? null : Instant.ofEpochMilli(until),
                  state);
            })
        .toList();
  }

  /** The JWKS document (public keys only), precomputed. */
  public byte[] jwks() {
    return current().jwks();
  }

  /** Signs {@code claims} with the active key for {@code alg}, with header {@code typ}. */
  public String sign(String alg, String typ, JWTClaimsSet claims) {
    HeldKey key = current().active().get(alg);
    if (key == null) {
      throw new IllegalStateException("no active " + alg + " key; start() was not called");
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.parse(alg))
                .keyID(key.kid())
                .type(new JOSEObjectType(typ))
                .build(),
            claims);
    // A signature costs about a millisecond of CPU (RS256): off the carriers, see CpuPool.
    signers.run(
        () -> {
          try {
            jwt.sign(key.signer());
            return jwt;
          } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
          }
        });
    return jwt.serialize();
  }

  /**
   * The verified JWT when {@code token} is a compact JWS signed by one of the published keys with
   * that key's own algorithm; empty for anything else, garbage included. Checks only the signature:
   * claims are the caller's to judge.
   */
  public Optional<SignedJWT> verify(String token) {
    if (token.length() > 16_384) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      String kid = jwt.getHeader().getKeyID();
      HeldKey key = kid == null ? null : current().published().get(kid);
      if (key == null || !jwt.getHeader().getAlgorithm().getName().equals(key.alg())) {
        return Optional.empty();
      }
      return jwt.verify(key.verifier()) ? Optional.of(jwt) : Optional.empty();
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    long now = clock.millis();
    if (now >= s.validUntil()) {
      s = build(keys, now);
      snapshot = s;
    }
    return s;
  }

  private void apply(SigningEvent event) {
    List<HeldKey> next = new ArrayList<>(keys);
    next.removeIf(k -> event.removed().contains(k.kid()));
    next.addAll(event.added());
    keys = List.copyOf(next);
    snapshot = build(keys, clock.millis());
  }

  /**
   * Reads every key and unseals it. A key that does not unseal was sealed under another key
   * encryption key: on a cluster, another node's. Said at start, naming the setting, rather than at
   * the first token.
   */
  private void load() {
    List<HeldKey> loaded;
    try {
      loaded = readKeys();
    } catch (IllegalStateException e) {
      throw new ConfigException(
          "oidc.key_encryption_key",
          "the signing keys in the database were sealed with a different key encryption key ("
              + e.getMessage()
              + "); every node on one database must be started with the same"
              + " oidc.key_encryption_key, and a single node with the one it first used");
    }
    keys = List.copyOf(loaded);
    snapshot = build(keys, clock.millis());
  }

  private List<HeldKey> readKeys() {
    return reads.read(
        q ->
            q.list(
                "SELECT kid, alg, sealed_jwk, created_at, signs_from FROM signing_keys",
                row ->
                    held(
                        row.getString(1),
                        row.getString(2),
                        encryption.open(row.getString(3), row.getString(1)),
                        row.getLong(4),
                        row.getLong(5))));
  }

  private static Snapshot build(List<HeldKey> all, long now) {
    Map<String, HeldKey> active = new HashMap<>();
    Map<String, HeldKey> published = new HashMap<>();
    Map<String, Long> until = new HashMap<>();
    long validUntil = Long.MAX_VALUE;
    for (String alg : ALGORITHMS) {
      List<HeldKey> line =
          all.stream()
              .filter(k -> k.alg().equals(alg))
              .sorted(Comparator.comparingLong(HeldKey::signsFrom))
              .toList();
      for (int i = 0; i < line.size(); i++) {
        HeldKey key = line.get(i);
        HeldKey next = i + 1 < line.size() ? line.get(i + 1) : null;
        if (key.signsFrom() <= now && (next == null || next.signsFrom() > now)) {
          active.put(alg, key);
        }
        if (key.signsFrom() > now) {
          validUntil = Math.min(validUntil, key.signsFrom());
        }
        if (next == null) {
          published.put(key.kid(), key);
          continue;
        }
        long stops = next.signsFrom() + MAX_TOKEN_LIFETIME.toMillis();
        until.put(key.kid(), stops);
        if (stops > now) {
          published.put(key.kid(), key);
          validUntil = Math.min(validUntil, stops);
        }
      }
    }
    List<JWK> publicKeys =
        published.values().stream()
            .sorted(Comparator.comparingLong(HeldKey::signsFrom).reversed())
            .map(k -> k.jwk().toPublicJWK())
            .toList();
    byte[] jwks = new JWKSet(publicKeys).toString(true).getBytes(StandardCharsets.UTF_8);
    return new Snapshot(
        Map.copyOf(active), Map.copyOf(published), Map.copyOf(until), jwks, validUntil);
  }

  private HeldKey generate(String alg, long now, long signsFrom) {
    byte[] id = new byte[12];
    random.get().nextBytes(id);
    String kid = alg.toLowerCase(java.util.Locale.ROOT) + "-" + HexFormat.of().formatHex(id);
    JWK jwk;
    try {
      jwk =
          switch (alg) {
            case "RS256" ->
                new RSAKeyGenerator(2048)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
            case "ES256" ->
                new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
            case "EdDSA" -> EdDsa.generate(kid);
            default -> throw new IllegalArgumentException("unsupported algorithm " + alg);
          };
    } catch (JOSEException e) {
      throw new IllegalStateException("key generation failed", e);
    }
    return held(kid, alg, jwk, now, signsFrom);
  }

  private static HeldKey held(String kid, String alg, String json, long createdAt, long signsFrom) {
    try {
      return held(kid, alg, JWK.parse(json), createdAt, signsFrom);
    } catch (ParseException e) {
      throw new IllegalStateException("signing key " + kid + " is not a JWK", e);
    }
  }

  private static HeldKey held(String kid, String alg, JWK jwk, long createdAt, long signsFrom) {
    try {
      return switch (jwk) {
        case RSAKey rsa ->
            new HeldKey(
                kid,
                alg,
                createdAt,
                signsFrom,
                jwk,
                Rs256.signer(rsa),
                new RSASSAVerifier(rsa.toRSAPublicKey()));
        case ECKey ec ->
            new HeldKey(
                kid,
                alg,
                createdAt,
                signsFrom,
                jwk,
                new ECDSASigner(ec),
                new ECDSAVerifier(ec.toECPublicKey()));
        case OctetKeyPair okp ->
            new HeldKey(
                kid, alg, createdAt, signsFrom, jwk, EdDsa.signer(okp), EdDsa.verifier(okp));
        default -> throw new IllegalStateException("unsupported key type for " + kid);
      };
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key " + kid + " is unusable", e);
    }
  }

  private @Nullable Void insertIn(
      dev.gatehouse.store.Tx tx, List<HeldKey> fresh, List<String> removed) {
    for (HeldKey key : fresh) {
      tx.update(
          "INSERT INTO signing_keys (kid, alg, sealed_jwk, created_at, signs_from)"
              + " VALUES (?, ?, ?, ?, ?)",
          key.kid(),
          key.alg(),
          encryption.seal(key.jwk().toJSONString(), key.kid()),
          key.createdAt(),
          key.signsFrom());
    }
    tx.publish(new SigningEvent(fresh, java.util.Set.copyOf(removed)));
    return null;
  }
}
