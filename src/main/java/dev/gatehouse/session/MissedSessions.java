package dev.gatehouse.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Which session cookies this node does not know may be looked up in the database: on a cluster, a
 * sign-in on another node reaches this one by announcement a few milliseconds later, and the very
 * next request may come first. Only a well-formed cookie is looked up, once (a miss is remembered
 * for {@code missFor}), and at most {@code perSecond} lookups a second: a flood of junk cookies
 * costs a bounded number of statements, whatever its size. Hot path: no I/O.
 */
public final class MissedSessions {
  /** What {@code Secrets.generate("")} makes: 32 random bytes, base64url without padding. */
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Cache<String, Boolean> missing;
  private final int perSecond;
  private final AtomicLong window = new AtomicLong();

  public MissedSessions(int perSecond, Duration missFor) {
    this.perSecond = perSecond;
    this.missing = Caffeine.newBuilder().expireAfterWrite(missFor).maximumSize(100_000).build();
  }

  /**
   * Whether {@code token} (with {@code digest}) may be looked up now; takes one of the second's.
   */
  boolean mayLookUp(String token, String digest, long now) {
    if (perSecond <= 0
        || !WELL_FORMED.matcher(token).matches()
        || missing.getIfPresent(digest) != null) {
      return false;
    }
    // The window packs the second (high bits) and the lookups taken in it (low 44 bits).
    long second = now / 1000;
    while (true) {
      long current = window.get();
      long used = current >>> 44 == (second & 0xFFFFF) ? current & 0xFFFFFFFFFFFL : 0;
      if (used >= perSecond) {
        return false;
      }
      long next = ((second & 0xFFFFF) << 44) | (used + 1);
      if (window.compareAndSet(current, next)) {
        return true;
      }
    }
  }

  /** The database had no live session for {@code digest}: don't ask again for a while. */
  void missing(String digest) {
    missing.put(digest, Boolean.TRUE);
  }

  /** A session for {@code digest} now exists (started here or heard of). */
  void found(String digest) {
    missing.invalidate(digest);
  }
}
