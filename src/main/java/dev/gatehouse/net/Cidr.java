package dev.gatehouse.net;

import java.net.InetAddress;

/**
 * A network such as {@code 192.168.0.0/16} or {@code fd00::/8}; a bare address is a /32 or /128.
 */
public record Cidr(byte[] network, int prefix) {

  /** Parses {@code text}; throws IllegalArgumentException when it is not a literal network. */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    // ofLiteral never consults DNS: a hostname here is an error, not a lookup.
    byte[] bytes = InetAddress.ofLiteral(address).getAddress();
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix out of range");
    }
    return new Cidr(bytes, prefix);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr cidr
        && prefix == cidr.prefix
        && java.util.Arrays.equals(network, cidr.network);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("a parsed network has a valid length", e);
    }
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (candidate[full] & mask) == (network[full] & mask);
  }
}
