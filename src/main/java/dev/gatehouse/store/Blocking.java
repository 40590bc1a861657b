package dev.gatehouse.store;

import io.vertx.core.Context;

/**
 * Refuses blocking work on an HTTP event loop. A loop serves hundreds of connections; one query or
 * one wait for the writer on it stalls them all (the forward-auth hot path reads memory only).
 * Vert.x's blocked-thread checker catches a loop held long; this catches the very first call,
 * however fast, so a later change cannot slip a query onto a loop unnoticed.
 */
public final class Blocking {
  private Blocking() {}

  /** Throws when the calling thread is an event loop; {@code what} names the blocking call. */
  public static void refuseOnEventLoop(String what) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          what
              + " on event loop "
              + Thread.currentThread().getName()
              + ": register the route with Routing.get/post (a virtual thread), not onLoop");
    }
  }
}
