package dev.gatehouse.web;

import dev.gatehouse.net.ClientAddresses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The client address of a portal, OIDC or admin request, as throttles and the audit log key it: the
 * socket peer, or behind a trusted proxy the address it forwarded for ({@link ClientAddresses}).
 * Forward-auth does not use this: it reads the client from the proxy's description of the request
 * it asks about.
 */
public final class ClientIps {
  private final ClientAddresses addresses;

  public ClientIps(ClientAddresses addresses) {
    this.addresses = addresses;
  }

  public String of(ServerRequest req) {
    return addresses.of(
        req.remotePeer().host(), req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null));
  }
}
