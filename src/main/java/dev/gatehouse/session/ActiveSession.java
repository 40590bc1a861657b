package dev.gatehouse.session;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A login session held in memory. Everything is fixed at login (how it was proved included: a
 * step-up starts a new session) except {@code lastSeen}, which the hot path moves forward without
 * locking and without writing; {@link Sessions#flush} persists it in coalesced batches.
 */
public final class ActiveSession {
  private final String digest;
  private final String userId;
  private final long createdAt;
  private final long expiresAt;
  private final @Nullable String ip;
  private final @Nullable String userAgent;
  private final Amr amr;
  private volatile long lastSeen;

  ActiveSession(
      String digest,
      String userId,
      long createdAt,
      long lastSeen,
      long expiresAt,
      @Nullable String ip,
      @Nullable String userAgent,
      Amr amr) {
    this.digest = digest;
    this.userId = userId;
    this.createdAt = createdAt;
    this.lastSeen = lastSeen;
    this.expiresAt = expiresAt;
    this.ip = ip;
    this.userAgent = userAgent;
    this.amr = amr;
  }

  String digest() {
    return digest;
  }

  /**
   * The public id, shown on the account page and used to revoke: a prefix of the digest, so the
   * cookie value never appears in a page or a URL. Derived, not stored: 100k sessions are 100k
   * strings fewer.
   */
  public String id() {
    return digest.substring(0, 16);
  }

  public String userId() {
    return userId;
  }

  public Instant createdAt() {
    return Instant.ofEpochMilli(createdAt);
  }

  public Instant lastSeen() {
    return Instant.ofEpochMilli(lastSeen);
  }

  public Instant expiresAt() {
    return Instant.ofEpochMilli(expiresAt);
  }

  public @Nullable String ip() {
    return ip;
  }

  public @Nullable String userAgent() {
    return userAgent;
  }

  /** How this session's sign-in was proved. */
  public Amr amr() {
    return amr;
  }

  /** Whether the sign-in proved two kinds of factor: what a {@code two_factor} rule asks. */
  public boolean multiFactor() {
    return amr.multiFactor();
  }

  long lastSeenMillis() {
    return lastSeen;
  }

  boolean validAt(long now, long idleMillis) {
    return now < expiresAt && now - lastSeen < idleMillis;
  }

  boolean expired(long now) {
    return now >= expiresAt;
  }

  /** Takes activity another node recorded ({@code at}, epoch millis), if later than this one's. */
  void seen(long at) {
    if (at > lastSeen) {
      lastSeen = at;
    }
  }

  /** Moves last-seen forward; returns true when it moved enough to be worth persisting. */
  boolean touch(long now) {
    if (now - lastSeen < 1000) {
      return false;
    }
    lastSeen = now;
    return true;
  }
}
