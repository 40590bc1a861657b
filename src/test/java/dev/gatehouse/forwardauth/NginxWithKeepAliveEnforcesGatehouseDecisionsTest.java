package dev.gatehouse.forwardauth;

import dev.gatehouse.testing.RealProxy;

/**
 * nginx's auth_request with the keep-alive docs/proxies.md recommends under load: HTTP/1.1 to an
 * {@code upstream} block with {@code keepalive}, connections kept between decisions.
 */
class NginxWithKeepAliveEnforcesGatehouseDecisionsTest extends ProxyEnforcesGatehouseDecisions {
  @Override
  RealProxy.Kind proxyKind() {
    return RealProxy.Kind.NGINX_KEEPALIVE;
  }
}
