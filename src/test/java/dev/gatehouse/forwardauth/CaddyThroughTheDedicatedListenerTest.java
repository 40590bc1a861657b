package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.RealProxy;

/** The same end-to-end checks, with Caddy asking the {@code [forward_auth] listen} port. */
class CaddyThroughTheDedicatedListenerTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.CADDY;
  }

  @Override
  Listener listener() {
    return Listener.DEDICATED;
  }
}
