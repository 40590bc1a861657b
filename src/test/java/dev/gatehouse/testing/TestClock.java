package dev.gatehouse.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, so expiry is proved without sleeping. */
public final class TestClock implements InstantSource {
  private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }
}
