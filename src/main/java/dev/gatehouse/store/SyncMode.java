package dev.gatehouse.store;

import dev.gatehouse.config.Config;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** When a committed write reaches the disk (Rauthy's {@code log_sync}). */
public sealed interface SyncMode {
  Pattern INTERVAL = Pattern.compile("^interval_(\\d{1,6})$");

  /** The write returns only once it is synced; concurrent writes share one sync. */
  record Immediate() implements SyncMode {}

  /** The write returns once committed to the OS; the sync follows at once in the background. */
  record ImmediateAsync() implements SyncMode {}

  /** Synced at most every {@code millis}; a power loss may lose that window, a crash nothing. */
  record Interval(long millis) implements SyncMode {}

  /** Each data class's mode, as {@code [storage]} sets it. */
  static Map<DataClass, SyncMode> of(Config.Storage storage) {
    return Map.of(
        DataClass.IDENTITY, parse(storage.logSync()),
        DataClass.EPHEMERAL, parse(storage.ephemeralLogSync()),
        DataClass.AUDIT, parse(storage.auditLogSync()));
  }

  /** Parses a configuration value already checked by the config layer. */
  static SyncMode parse(String text) {
    if (text.equals("immediate")) {
      return new Immediate();
    }
    if (text.equals("immediate_async")) {
      return new ImmediateAsync();
    }
    Matcher m = INTERVAL.matcher(text);
    if (m.matches()) {
      return new Interval(Math.max(1, Long.parseLong(m.group(1))));
    }
    throw new IllegalArgumentException("not a log_sync mode: " + text);
  }

  /** How strong a mode is: a batch holding several classes is synced as its strongest one asks. */
  default int strength() {
    return switch (this) {
      case Immediate i -> 2;
      case ImmediateAsync a -> 1;
      case Interval i -> 0;
    };
  }
}
