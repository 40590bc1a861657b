package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.net.ClientAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 *       the request's first byte; a connection that sends nothing, or dribbles, is closed. Once a
 *       request is answered, the rest of its body (if any is still due) must arrive within the same
 *       time. Between requests the idle timeout applies, so proxies' pooled connections stay.
 * </ul>
 *
 * Each connection is watched by a Netty handler at the head of its pipeline, which sees the bytes
 * before the HTTP parser does, and by one right after the parser, which sees each request start
 * (headers whole) and end (body whole). Both are in the pipeline, not on Vert.x's request or
 * response, whose handlers Vert.x Web replaces. State is touched only on the connection's event
 * loop.
 */
final class ConnectionGuard {
  /** Vert.x's names for the HTTP/1.x request parser and response encoder in a pipeline. */
  private static final String DECODER = "httpDecoder";

  private static final String ENCODER = "httpEncoder";

  /** {@code ByteToMessageDecoder.actualReadableBytes()}: bytes the parser holds, not yet parsed. */
  private static final MethodHandle BUFFERED;

  static {
    try {
      BUFFERED =
          MethodHandles.privateLookupIn(ByteToMessageDecoder.class, MethodHandles.lookup())
              .findVirtual(
                  ByteToMessageDecoder.class,
                  "actualReadableBytes",
                  MethodType.methodType(int.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Header bytes an ordinary request sends (a browser's with a crowded cookie domain). */
  private static final int ORDINARY = 8 * 1024;

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
    channel.closeFuture().addListener(f -> closed(watch));
    if (total > limits.maxConnections() || fromAddress > limits.maxConnectionsPerAddress()) {
      refused.incrementAndGet();
      channel.close();
      return;
    }
    channel.pipeline().addFirst("gatehouse-guard", watch);
    if (channel.pipeline().get(DECODER) instanceof ByteToMessageDecoder decoder) {
      channel.pipeline().addAfter(DECODER, "gatehouse-requests", new Requests(watch, decoder));
    }
    if (channel.pipeline().get(ENCODER) != null) {
      channel.pipeline().addAfter(ENCODER, "gatehouse-answers", new Answers(watch));
    }
    watch.expectHeaders(channel);
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
    private long requests;
    private long answers;
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
        if (overBudget(n)) {
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
      requests++;
      cancelDeadline();
      release();
    }

    /**
     * The request was answered: the rest of its body, if any is still due, must arrive within the
     * header timeout (else a body that trickles on after its answer held the connection for good).
     */
    void answered(Channel channel) {
      // Pipelined: the answer to an earlier request says nothing of the one being read now.
      if (++answers == requests && inRequest) {
        expectHeaders(channel);
      }
    }

    /**
     * The request's body is whole; {@code leftover} bytes after it, already read, are the start of
     * the next request: they count, and its headers are due within the timeout.
     */
    void requestEnded(Channel channel, int leftover) {
      inRequest = false;
      cancelDeadline();
      if (leftover > 0) {
        pending += leftover;
        expectHeaders(channel);
        if (overBudget(leftover)) {
          refused.incrementAndGet();
          channel.close();
        }
      }
    }

    /**
     * Counts {@code n} more bytes; whether this connection must go. Past the budget, only a
     * connection holding more than an ordinary request's headers is closed: the ones that filled
     * it. A newcomer with a small request is still read, so a full budget does not lock everyone
     * out until the header timeout frees it; the overshoot is at most {@link #ORDINARY} bytes per
     * open connection.
     */
    private boolean overBudget(int n) {
      return pendingBytes.addAndGet(n) > limits.maxPendingHeaderBytes() && pending > ORDINARY;
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

  /** Right after the parser: a request's start and end, whatever the routes do with it. */
  private static final class Requests extends ChannelInboundHandlerAdapter {
    private final Watch watch;
    private final ByteToMessageDecoder decoder;

    Requests(Watch watch, ByteToMessageDecoder decoder) {
      this.watch = watch;
      this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        watch.requestStarted();
      }
      if (msg instanceof LastHttpContent) {
        watch.requestEnded(ctx.channel(), buffered(decoder));
      }
      ctx.fireChannelRead(msg);
    }

    private static int buffered(ByteToMessageDecoder decoder) {
      try {
        return (int) BUFFERED.invokeExact(decoder);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Right before the encoder: a request's answer written whole (not an interim 1xx). */
  private static final class Answers extends ChannelOutboundHandlerAdapter {
    private final Watch watch;

    Answers(Watch watch) {
      this.watch = watch;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof LastHttpContent
          && !(msg instanceof HttpResponse response
              && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
        watch.answered(ctx.channel());
      }
      ctx.write(msg, promise);
    }
  }
}
