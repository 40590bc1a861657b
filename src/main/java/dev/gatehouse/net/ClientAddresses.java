package dev.gatehouse.net;

import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who the client of a portal, OIDC or admin request is, for throttling and the audit log.
 *
 * <p>Behind a reverse proxy every connection comes from the proxy: keyed by the socket peer, the
 * per-address throttles would lock every user out after one attacker's guesses. So when the peer is
 * a trusted proxy ({@code [server] trusted_proxies}), the client is the right-most {@code
 * X-Forwarded-For} entry that is not itself a trusted proxy: entries to its left were written by
 * the client and may be forged. A peer outside the trusted networks is the client, whatever it
 * sends.
 */
public final class ClientAddresses {
  private final List<Cidr> trusted;

  public ClientAddresses(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** The client behind {@code peer} (an IP literal), given the request's X-Forwarded-For. */
  public String of(String peer, @Nullable String forwardedFor) {
    if (forwardedFor == null || forwardedFor.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String client = peer;
    int end = forwardedFor.length();
    while (end > 0) {
      int comma = forwardedFor.lastIndexOf(',', end - 1);
      String entry = strip(forwardedFor.substring(comma + 1, end));
      if (literal(entry) == null) {
        return client; // garbage from the client: the last address we can vouch for
      }
      client = entry;
      if (!isTrusted(entry)) {
        return entry;
      }
      end = Math.max(comma, 0);
    }
    return client;
  }

  /** Whether {@code address} (an IP literal) is one of the trusted proxies. */
  public boolean isTrusted(String address) {
    InetAddress ip = literal(address);
    if (ip == null) {
      return false;
    }
    for (Cidr network : trusted) {
      if (network.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  private static String strip(String entry) {
    String value = entry.strip();
    return value.startsWith("[") && value.endsWith("]")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static @Nullable InetAddress literal(String address) {
    try {
      return InetAddress.ofLiteral(address);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
