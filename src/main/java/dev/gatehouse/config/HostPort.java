package dev.gatehouse.config;

/** A listen address such as {@code 127.0.0.1:8080} or {@code [::1]:8080}. */
public record HostPort(String host, int port) {

  static HostPort parse(String value) {
    int colon = value.lastIndexOf(':');
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, Integer.parseInt(value.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
