package dev.gatehouse.forwardauth;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/** The request the proxy asks about: method, scheme, host, path (with query) and client address. */
record Target(String method, String scheme, String host, String uri, @Nullable InetAddress client) {

  /** The path without the query, which is what rules match. */
  String path() {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  String url() {
    return scheme + "://" + host + uri;
  }
}
