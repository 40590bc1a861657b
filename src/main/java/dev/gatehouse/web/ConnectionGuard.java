package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.net.ClientAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Keeps slow, partial and piled-up connections from exhausting the process, on every listener. What
 * always holds:
 *
 * <ul>
 *   <li>At most {@code max_connections} are open, and at most {@code max_connections_per_address}
 *       from one peer (trusted proxies excepted: every client behind one shares its address, and a
 *       proxy reads a request's headers whole before it forwards them).
 *   <li>Request-header bytes received but not yet parsed into a request, summed over all
 *       connections, stay under {@code max_pending_header_bytes}: the connection whose bytes would
 *       pass it is closed. Each connection alone is held to {@code max_header_bytes} by the parser.
 *       Together these bound the heap that half-sent headers can hold (4,435 connections of 60 KB
 *       each ended the process before).
 *   <li>A request's headers arrive within {@code header_timeout_ms} of the connection opening or of
 *       the request's first byte; a connection that sends nothing, or dribbles, is closed. Between
 *       requests the idle timeout applies, so proxies' pooled connections stay.
 * </ul>
 *
 * Each connection is watched by a Netty handler at the head of its pipeline, which sees the bytes
 * before the HTTP parser does; its state is touched only on the connection's event loop.
 */
final class ConnectionGuard {
  private static final AttributeKey<Watch> WATCH = AttributeKey.valueOf("gatehouse.watch");

  private final Config.Limits limits;
  private final ClientAddresses clients;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  ConnectionGuard(Config.Limits limits, ClientAddresses clients) {
    this.limits = limits;
    this.clients = clients;
  }

  int open() {
    return open.get();
  }

  long refused() {
    return refused.get();
  }

  /** A new connection, on its event loop: counted, watched, or closed at once past a cap. */
  void opened(HttpConnection connection) {
    Channel channel = ((ConnectionBase) connection).channel();
    String address = connection.remoteAddress().hostAddress();
    boolean counted = !clients.isTrusted(address);
    int total = open.incrementAndGet();
    int fromAddress = counted ? perAddress.merge(address, 1, Integer::sum) : 0;
    Watch watch = new Watch(address, counted);
    channel.attr(WATCH).set(watch);
    channel.closeFuture().addListener(f -> closed(watch));
    if (total > limits.maxConnections() || fromAddress > limits.maxConnectionsPerAddress()) {
      refused.incrementAndGet();
      channel.close();
      return;
    }
    channel.pipeline().addFirst("gatehouse-guard", watch);
    watch.expectHeaders(channel);
  }

  /** The parser produced a request from this connection: its header bytes are spent. */
  void headersRead(HttpServerRequest request) {
    Channel channel = ((ConnectionBase) request.connection()).channel();
    Watch watch = channel.attr(WATCH).get();
    if (watch == null) {
      return;
    }
    watch.requestStarted();
    request.response().endHandler(v -> channel.eventLoop().execute(() -> watch.requestEnded()));
  }

  private void closed(Watch watch) {
    open.decrementAndGet();
    if (watch.counted) {
      perAddress.computeIfPresent(watch.address, (a, n) -> n == 1 ? null : n - 1);
    }
    watch.closed();
  }

  /** One connection's header phase. */
  private final class Watch extends ChannelInboundHandlerAdapter {
    final String address;
    final boolean counted;
    private boolean inRequest;
    private long pending;
    private @Nullable ScheduledFuture<?> deadline;

    Watch(String address, boolean counted) {
      this.address = address;
      this.counted = counted;
    }

    void expectHeaders(Channel channel) {
      cancelDeadline();
      deadline =
          channel
              .eventLoop()
              .schedule(
                  () -> {
                    refused.incrementAndGet();
                    channel.close();
                  },
                  limits.headerTimeoutMs(),
                  TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!inRequest && msg instanceof ByteBuf bytes) {
        if (pending == 0 && deadline == null) {
          expectHeaders(ctx.channel());
        }
        int n = bytes.readableBytes();
        pending += n;
        if (pendingBytes.addAndGet(n) > limits.maxPendingHeaderBytes()) {
          refused.incrementAndGet();
          bytes.release();
          ctx.close();
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    void requestStarted() {
      inRequest = true;
      cancelDeadline();
      release();
    }

    void requestEnded() {
      inRequest = false;
    }

    void closed() {
      cancelDeadline();
      release();
    }

    private void release() {
      pendingBytes.addAndGet(-pending);
      pending = 0;
    }

    private void cancelDeadline() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
