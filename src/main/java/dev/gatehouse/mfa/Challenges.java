package dev.gatehouse.mfa;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.failure.Failure;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * WebAuthn challenges that need no server-side state until they are used.
 *
 * <p>A challenge is {@code nonce (16 bytes) ‖ expiry (8 bytes, epoch seconds) ‖ MAC (32 bytes)},
 * the MAC taken over the purpose, the user ID the ceremony is for ("" for a passwordless login),
 * the nonce and the expiry. So every node that shares the key accepts what any node issued, and a
 * challenge issued to add a credential for one user is refused as a login, or for another user.
 *
 * <p>What must hold: a challenge is accepted at most once per node. {@link #spend} records it in a
 * bounded cache until it expires, with an atomic put, so that of two concurrent uses of the same
 * signed response exactly one wins. It is spent only after the response verified, so a bad attempt
 * does not burn a challenge that a good one could still use. Another node of a cluster does not see
 * this node's spent set: the caller also records the nonce in the database in the unit that signs
 * the user in ({@code Factors}), which is what makes a sign-in's answer single-use cluster-wide;
 * this cache turns a replay away here without a write. The cache holds at most {@link #MAX_SPENT}
 * challenges; past that the least recent go first, which would reopen them for replay only after as
 * many other successful ceremonies within one lifetime.
 */
final class Challenges {
  static final int NONCE = 16;
  static final int LENGTH = NONCE + Long.BYTES + 32;
  private static final long MAX_SPENT = 100_000;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

  /** What a challenge was issued for; part of its MAC. */
  enum Purpose {
    /** Adding a credential for a signed-in user. */
    REGISTER("register"),
    /** Passwordless sign-in: the user is not known until the assertion names them. */
    LOGIN("login"),
    /** A second factor for a user who gave a password already. */
    VERIFY("verify");

    final String label;

    Purpose(String label) {
      this.label = label;
    }
  }

  private final MacKey key;
  private final InstantSource clock;
  private final Supplier<SecureRandom> random;
  private final Duration lifetime;
  private final Cache<String, Long> spent;

  Challenges(MacKey key, InstantSource clock, Supplier<SecureRandom> random, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("a challenge lifetime must be positive");
    }
    this.key = key.derive("webauthn challenge");
    this.clock = clock;
    this.random = random;
    this.lifetime = lifetime;
    this.spent =
        Caffeine.newBuilder()
            .maximumSize(MAX_SPENT)
            .expireAfter(
                Expiry.<String, Long>creating(
                    (challenge, expiry) ->
                        Duration.ofSeconds(Math.max(1, expiry - clock.instant().getEpochSecond()))))
            .build();
  }

  Duration lifetime() {
    return lifetime;
  }

  /** A new challenge for {@code purpose}, bound to {@code userId} ("" for a passwordless login). */
  byte[] issue(Purpose purpose, String userId) {
    byte[] nonce = new byte[NONCE];
    random.get().nextBytes(nonce);
    long expiry = clock.instant().plus(lifetime).getEpochSecond();
    byte[] mac = mac(purpose, userId, nonce, expiry);
    return ByteBuffer.allocate(LENGTH).put(nonce).putLong(expiry).put(mac).array();
  }

  /**
   * Throws {@link Failure.Invalid} unless {@code challenge} was issued by a node with this key for
   * {@code purpose} and {@code userId}, has not expired and was not spent on this node.
   */
  void check(byte[] challenge, Purpose purpose, String userId) {
    if (challenge.length != LENGTH) {
      throw WebAuthn.invalid(WebAuthn.NOT_OURS);
    }
    ByteBuffer buffer = ByteBuffer.wrap(challenge);
    byte[] nonce = new byte[NONCE];
    buffer.get(nonce);
    long expiry = buffer.getLong();
    byte[] mac = new byte[32];
    buffer.get(mac);
    if (!key.verify(B64.encodeToString(mac), parts(purpose, userId, nonce, expiry))) {
      throw WebAuthn.invalid(WebAuthn.NOT_OURS);
    }
    if (clock.instant().getEpochSecond() >= expiry) {
      throw WebAuthn.invalid(WebAuthn.EXPIRED);
    }
    if (spent.getIfPresent(B64.encodeToString(challenge)) != null) {
      throw WebAuthn.invalid(WebAuthn.USED);
    }
  }

  /**
   * Marks a checked challenge as used; throws {@link Failure.Invalid} when another request spent it
   * first.
   */
  void spend(byte[] challenge) {
    long expiry = ByteBuffer.wrap(challenge, NONCE, Long.BYTES).getLong();
    if (spent.asMap().putIfAbsent(B64.encodeToString(challenge), expiry) != null) {
      throw WebAuthn.invalid(WebAuthn.USED);
    }
  }

  /** The nonce of a checked challenge, base64url: what names it once spent. */
  static String nonce(byte[] challenge) {
    return B64.encodeToString(Arrays.copyOf(challenge, NONCE));
  }

  /** The expiry of a checked challenge, epoch seconds. */
  static long expiry(byte[] challenge) {
    return ByteBuffer.wrap(challenge, NONCE, Long.BYTES).getLong();
  }

  private byte[] mac(Purpose purpose, String userId, byte[] nonce, long expiry) {
    return B64_DECODE.decode(key.sign(parts(purpose, userId, nonce, expiry)));
  }

  private static String[] parts(Purpose purpose, String userId, byte[] nonce, long expiry) {
    return new String[] {purpose.label, userId, B64.encodeToString(nonce), Long.toString(expiry)};
  }
}
