package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.RealProxy;

/** Caddy's forward_auth in front of an app, configured as docs/proxies.md says. */
class CaddyEnforcesGatehouseDecisionsTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.CADDY;
  }
}
