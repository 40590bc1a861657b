package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.RealProxy;

/** The same end-to-end checks, with Nginx asking the {@code [forward_auth] listen} port. */
class NginxThroughTheDedicatedListenerTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.NGINX;
  }

  @Override
  Listener listener() {
    return Listener.DEDICATED;
  }
}
