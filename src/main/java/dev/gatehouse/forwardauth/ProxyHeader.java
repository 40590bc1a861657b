package dev.gatehouse.forwardauth;

/** The request headers a forward-auth decision reads, whichever HTTP server received them. */
enum ProxyHeader {
  FORWARDED_METHOD("X-Forwarded-Method"),
  FORWARDED_PROTO("X-Forwarded-Proto"),
  FORWARDED_HOST("X-Forwarded-Host"),
  FORWARDED_URI("X-Forwarded-Uri"),
  FORWARDED_FOR("X-Forwarded-For"),
  ORIGINAL_URL("X-Original-URL"),
  ORIGINAL_METHOD("X-Original-Method"),
  COOKIE("Cookie"),
  AUTHORIZATION("Authorization"),
  ACCEPT("Accept");

  final String wireName;

  ProxyHeader(String wireName) {
    this.wireName = wireName;
  }
}
