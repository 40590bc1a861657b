package dev.gatehouse.web;

import dev.gatehouse.net.ClientAddresses;
import io.vertx.ext.web.RoutingContext;

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

  public String of(RoutingContext ctx) {
    return addresses.of(
        ctx.request().remoteAddress().hostAddress(), ctx.request().getHeader("X-Forwarded-For"));
  }
}
