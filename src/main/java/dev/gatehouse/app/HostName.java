package dev.gatehouse.app;

import org.jspecify.annotations.Nullable;

/**
 * The one spelling of a host name that every lookup uses: lower case, one trailing dot removed
 * ({@code immich.example.com.} is the same name in DNS), the port kept apart. A proxy's Host and an
 * admin's configured host meet only in this form, so no spelling of a host can fall through to a
 * different app or to the default policy.
 */
public final class HostName {
  private static final int MAX_NAME = 253;

  private HostName() {}

  /**
   * {@code host} ({@code name}, {@code name:port} or {@code [v6]:port}, any case) in canonical
   * form, or null when it is not a host name at all.
   */
  public static @Nullable String canonical(String host) {
    String name = host;
    String port = null;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return null;
      }
      name = host.substring(0, close + 1);
      if (close + 1 < host.length()) {
        if (host.charAt(close + 1) != ':') {
          return null;
        }
        port = host.substring(close + 2);
      }
      if (!isV6Literal(name)) {
        return null;
      }
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        name = host.substring(0, colon);
        port = host.substring(colon + 1);
      }
      if (name.endsWith(".")) {
        name = name.substring(0, name.length() - 1);
      }
      if (!isDnsName(name)) {
        return null;
      }
    }
    if (port != null && !isPort(port)) {
      return null;
    }
    String lower = lowerAscii(name);
    return port == null ? lower : lower + ':' + port;
  }

  /** The name without its port, for a host already in canonical form. */
  static String withoutPort(String canonical) {
    int colon = canonical.lastIndexOf(':');
    return colon > 0 && canonical.indexOf(']') < colon ? canonical.substring(0, colon) : canonical;
  }

  private static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return false;
    }
    char previous = '.';
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean label =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (c == '.' ? previous == '.' : !label) {
        return false;
      }
      previous = c;
    }
    return previous != '.';
  }

  private static boolean isV6Literal(String bracketed) {
    if (bracketed.length() < 4) {
      return false;
    }
    for (int i = 1; i < bracketed.length() - 1; i++) {
      char c = bracketed.charAt(i);
      if (c >= 0x80 || (Character.digit(c, 16) < 0 && c != ':' && c != '.')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String port) {
    if (port.isEmpty() || port.length() > 5) {
      return false;
    }
    for (int i = 0; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    int value = Integer.parseInt(port);
    return value > 0 && value <= 65_535;
  }

  private static String lowerAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return name.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return name;
  }
}
