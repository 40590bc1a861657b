package dev.gatehouse;

import dev.gatehouse.audit.Audit;
import dev.gatehouse.device.Devices;
import dev.gatehouse.session.Sessions;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Persists hot-path activity (session and device last-seen times) in the background: one coalesced
 * write per interval, however many requests arrived in between, instead of a write per request
 * (seed 000's five-second logins). Also removes expired sessions and pairing codes, and, once an
 * hour, audit events past their retention.
 */
final class Background implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Background.class.getName());
  private final Sessions sessions;
  private final Devices devices;
  private final Audit audit;
  private final Thread thread;

  Background(Sessions sessions, Devices devices, Audit audit, Duration every) {
    this.sessions = sessions;
    this.devices = devices;
    this.audit = audit;
    this.thread = Thread.ofVirtual().name("gatehouse-activity").start(() -> loop(every));
  }

  private void loop(Duration every) {
    while (true) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      flush();
      purgeAudit();
    }
  }

  private void purgeAudit() {
    try {
      audit.purgeIfDue();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "purging expired audit events failed; will retry in an hour", e);
    }
  }

  private void flush() {
    try {
      sessions.flush();
      devices.flush();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "persisting activity failed; will retry at the next interval", e);
    }
  }

  /** Stops the loop and persists what is pending; called before the store closes. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
