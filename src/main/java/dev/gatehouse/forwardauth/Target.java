package dev.gatehouse.forwardauth;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * The request the proxy asks about.
 *
 * @param host the host in {@link dev.gatehouse.app.HostName#canonical} form
 * @param uri the path and query as sent, for the way back after sign-in
 * @param path the {@link RequestPath#canonical} path, which is what rules match
 */
record Target(
    String method,
    String scheme,
    String host,
    String uri,
    String path,
    @Nullable InetAddress client) {

  String url() {
    return scheme + "://" + host + uri;
  }
}
