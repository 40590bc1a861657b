package dev.gatehouse.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Which credentials this node does not know may be looked up in the database: on a cluster, a
 * sign-in or a device pairing on another node reaches this one by announcement a few milliseconds
 * later, and the very next request may come first. Only a well-formed secret is looked up, once (a
 * miss is remembered for {@code missFor}), and at most {@code perSecond} lookups a second for all
 * kinds together: a flood of junk cookies or tokens costs a bounded number of statements, whatever
 * its size. Hot path: no I/O.
 */
public final class MissedLookups {
  /** What {@code Secrets.generate(prefix)} makes: 32 random bytes, base64url, after the prefix. */
  private static final Pattern WELL_FORMED = Pattern.compile("(gh_[a-z]{2}_)?[A-Za-z0-9_-]{43}");

  private final Cache<String, Boolean> missing;
  private final int perSecond;
  private final AtomicLong window = new AtomicLong();

  public MissedLookups(int perSecond, Duration missFor) {
    this.perSecond = perSecond;
    this.missing = Caffeine.newBuilder().expireAfterWrite(missFor).maximumSize(100_000).build();
  }

  /**
   * Whether {@code token} (with {@code digest}) may be looked up now; takes one of the second's.
   */
  public boolean mayLookUp(String token, String digest, long now) {
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

  /** The database had nothing live for {@code digest}: don't ask again for a while. */
  public void missing(String digest) {
    missing.put(digest, Boolean.TRUE);
  }

  /** Something for {@code digest} now exists (made here or heard of). */
  public void found(String digest) {
    missing.invalidate(digest);
  }
}
