package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.RealProxy;

/**
 * nginx's auth_request in front of an app, configured as docs/proxies.md says: no {@code
 * proxy_http_version}, so nginx asks Gatehouse over HTTP/1.0, a connection per request.
 */
class NginxEnforcesGatehouseDecisionsTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.NGINX;
  }
}
