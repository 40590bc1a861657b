/**
 * Network addresses: CIDR networks, and which peers are trusted proxies whose {@code
 * X-Forwarded-For} names the real client. Uses nothing of Gatehouse's.
 */
@NullMarked
package dev.gatehouse.net;

import org.jspecify.annotations.NullMarked;
