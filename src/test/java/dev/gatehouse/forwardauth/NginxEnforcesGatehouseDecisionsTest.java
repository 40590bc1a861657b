package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.RealProxy;

/** nginx's auth_request in front of an app, configured as docs/proxies.md says. */
class NginxEnforcesGatehouseDecisionsTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.NGINX;
  }
}
