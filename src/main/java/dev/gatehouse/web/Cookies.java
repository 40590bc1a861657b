package dev.gatehouse.web;

import org.jspecify.annotations.Nullable;

/**
 * Gatehouse's cookies: their names, how they are read on the hot path, and how they are set: always
 * HttpOnly and SameSite=Lax, Secure when the public URL is https, scoped to the cookie domain so
 * that every app under it shares the sign-in.
 */
public final class Cookies {
  public static final String SESSION = "gh_session";
  public static final String DEVICE = "gh_device";
  public static final String CSRF = "gh_csrf";

  /** A sign-in whose password was right, waiting for its second factor (see login). */
  public static final String PENDING = "gh_pending";

  private final @Nullable String domain;
  private final boolean secure;

  /**
   * @param domain the cookie domain, or empty for a host-only cookie
   * @param secure whether the public URL is https
   */
  public Cookies(String domain, boolean secure) {
    this.domain = domain.isEmpty() ? null : domain;
    this.secure = secure;
  }

  /**
   * A Set-Cookie value for {@code name}; {@code maxAgeSeconds} 0 deletes it, -1 makes it end with
   * the browser.
   */
  public String set(String name, String value, long maxAgeSeconds) {
    return set(name, value, maxAgeSeconds, domain);
  }

  /** A cookie only for the portal's own host (the CSRF token: apps have no use for it). */
  public String setHostOnly(String name, String value, long maxAgeSeconds) {
    return set(name, value, maxAgeSeconds, null);
  }

  private String set(String name, String value, long maxAgeSeconds, @Nullable String domain) {
    StringBuilder cookie = new StringBuilder(name).append('=').append(value).append("; Path=/");
    if (domain != null) {
      cookie.append("; Domain=").append(domain);
    }
    if (maxAgeSeconds >= 0) {
      cookie.append("; Max-Age=").append(maxAgeSeconds);
    }
    cookie.append("; HttpOnly; SameSite=Lax");
    if (secure) {
      cookie.append("; Secure");
    }
    return cookie.toString();
  }

  public String clear(String name) {
    return set(name, "", 0);
  }

  /**
   * Deletes a cookie {@link #setHostOnly} set: a browser deletes only the cookie whose domain the
   * Set-Cookie names, so {@link #clear} (with the cookie domain) would leave it in place.
   */
  public String clearHostOnly(String name) {
    return setHostOnly(name, "", 0);
  }

  /**
   * {@code header} without Gatehouse's cookies ({@code gh_*}, {@code __Host-gh_*}): what an app may
   * see. Null when nothing is left. The header itself when it holds none of them, so the common
   * request allocates nothing.
   */
  public static @Nullable String withoutGatehouses(@Nullable String header) {
    if (header == null || !header.contains("gh_")) {
      return header == null || header.isBlank() ? null : header;
    }
    StringBuilder kept = new StringBuilder(header.length());
    for (String pair : header.split(";")) {
      String cookie = pair.strip();
      if (cookie.isEmpty() || cookie.startsWith("gh_") || cookie.startsWith("__Host-gh_")) {
        continue;
      }
      if (!kept.isEmpty()) {
        kept.append("; ");
      }
      kept.append(cookie);
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  /**
   * The value of cookie {@code name} in a Cookie header, or null. A plain scan: this runs on every
   * forward-auth request and allocates only the value it returns.
   */
  public static @Nullable String value(@Nullable String header, String name) {
    if (header == null) {
      return null;
    }
    int from = 0;
    int length = header.length();
    while (from < length) {
      while (from < length && (header.charAt(from) == ' ' || header.charAt(from) == ';')) {
        from++;
      }
      int end = header.indexOf(';', from);
      if (end < 0) {
        end = length;
      }
      if (header.startsWith(name, from)
          && from + name.length() < end
          && header.charAt(from + name.length()) == '=') {
        String value = header.substring(from + name.length() + 1, end).strip();
        return value.isEmpty() ? null : value;
      }
      from = end + 1;
    }
    return null;
  }
}
