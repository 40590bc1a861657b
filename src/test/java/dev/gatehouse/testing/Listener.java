package dev.gatehouse.testing;

import java.net.URI;

/** The two listeners that serve forward-auth: the main one and {@code [forward_auth] listen}. */
public enum Listener {
  MAIN,
  DEDICATED;

  public int port(TestGatehouse gh) {
    return this == MAIN ? gh.gatehouse().port() : gh.gatehouse().forwardAuthPort();
  }

  public URI uri(TestGatehouse gh, String path) {
    return URI.create("http://127.0.0.1:" + port(gh) + path);
  }

  public Proxy proxy(TestGatehouse gh) {
    return this == MAIN ? new Proxy(gh) : Proxy.onForwardAuthListener(gh);
  }
}
