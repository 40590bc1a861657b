package dev.gatehouse.forwardauth;

import dev.gatehouse.config.HostPort;
import dev.gatehouse.metrics.HttpMetrics;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.WebServerFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The two forward-auth endpoints on a port of their own ({@code [forward_auth] listen}), served by
 * Netty's event loops: one platform thread per core reads, decides and writes, with no thread hand-
 * off, no park and no wake-up per request. A decision never blocks (it reads memory only), so it
 * runs on the loop itself. This cuts the CPU time of a forward-auth request by about a quarter
 * against the main listener (docs/benchmarks.md), and keeps the proxies' traffic apart from the
 * portal's: a burst on one never queues behind the other, and this port can stay on an internal
 * interface while the portal faces the internet.
 */
public final class ForwardAuthListener implements AutoCloseable {
  /** Proxies keep their connections open; one silent this long is gone. */
  private static final int IDLE_SECONDS = 300;

  private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=UTF-8");

  private static final AsciiString[] NAMES = new AsciiString[ProxyHeader.values().length];

  static {
    for (ProxyHeader header : ProxyHeader.values()) {
      NAMES[header.ordinal()] = AsciiString.cached(header.wireName);
    }
  }

  private final EventLoopGroup loops;
  private final Channel server;

  private ForwardAuthListener(EventLoopGroup loops, Channel server) {
    this.loops = loops;
    this.server = server;
  }

  /** Binds {@code address} and serves until {@link #close}; throws when the port is taken. */
  static ForwardAuthListener start(
      HostPort address,
      int threads,
      ForwardAuth forwardAuth,
      UserDirectory users,
      @Nullable HttpMetrics metrics) {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // Only the codec's own buffers pass here, each released by it; sampled leak tracking took
      // 2.4 % of the listener's CPU (a stack trace per 128 buffers). -Dio.netty.leakDetection.level
      // turns it back on.
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(threads, io);
    Handler handler = new Handler(forwardAuth, users, metrics);
    try {
      Channel server =
          new ServerBootstrap()
              .group(loops)
              .channel(channel)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                          .addLast(
                              new HttpServerCodec(
                                  new HttpDecoderConfig()
                                      .setMaxHeaderSize(WebServerFactory.MAX_HEADER_BYTES)))
                          .addLast(handler);
                    }
                  })
              .bind(address.host(), address.port())
              .syncUninterruptibly()
              .channel();
      return new ForwardAuthListener(loops, server);
    } catch (RuntimeException e) {
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on " + address + " for forward-auth", e);
    }
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private record Dated(long second, AsciiString value) {}

  /** Shared by every connection: it holds no per-connection state. */
  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final ForwardAuth forwardAuth;
    private final IdentityHeaders<AsciiString[]> identityHeaders;
    private final @Nullable HttpMetrics metrics;
    private volatile Dated dated = new Dated(0, AsciiString.EMPTY_STRING);

    Handler(ForwardAuth forwardAuth, UserDirectory users, @Nullable HttpMetrics metrics) {
      this.forwardAuth = forwardAuth;
      this.metrics = metrics;
      // An AsciiString over the UTF-8 bytes goes out byte for byte.
      this.identityHeaders =
          new IdentityHeaders<>(
              users,
              (name, value) ->
                  new AsciiString[] {
                    AsciiString.cached(name),
                    new AsciiString(value.getBytes(StandardCharsets.UTF_8), false)
                  });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      // Bodies (HttpContent) are read and dropped: a forward-auth request has none that matters.
      if (!(msg instanceof HttpRequest request)) {
        return;
      }
      if (request.decoderResult().isFailure()) {
        reply(ctx, Answer.badRequest("malformed request"), false);
        return;
      }
      String path = path(request);
      Function<RequestHeaders, Answer> protocol = route(request.method(), path);
      if (protocol == null) {
        reply(ctx, Answer.notFound(), HttpUtil.isKeepAlive(request));
        return;
      }
      long start = System.nanoTime();
      HttpHeaders headers = request.headers();
      Answer answer = protocol.apply(header -> headers.get(NAMES[header.ordinal()]));
      reply(ctx, answer, HttpUtil.isKeepAlive(request));
      if (metrics != null) {
        // The same series as the main listener's: a forward-auth request is one, on either port.
        metrics.observe("GET", path, answer.status(), System.nanoTime() - start);
      }
    }

    private @Nullable Function<RequestHeaders, Answer> route(HttpMethod method, String path) {
      if (!method.equals(HttpMethod.GET)) {
        return null;
      }
      return switch (path) {
        case "/api/authz/forward-auth" -> forwardAuth::forwardAuth;
        case "/api/authz/auth-request" -> forwardAuth::authRequest;
        default -> null;
      };
    }

    private void reply(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
      ByteBuf body =
          answer.reason() == null
              ? Unpooled.EMPTY_BUFFER
              : Unpooled.copiedBuffer(answer.reason(), StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), body);
      HttpHeaders headers = response.headers();
      headers.set(HttpHeaderNames.DATE, date());
      if (answer.status() == 200) {
        for (AsciiString[] header : identityHeaders.of(answer.principal())) {
          headers.set(header[0], header[1]);
        }
        if (answer.cookie() != null) {
          headers.set(HttpHeaderNames.COOKIE, answer.cookie());
        }
      }
      if (answer.location() != null) {
        headers.set(HttpHeaderNames.LOCATION, answer.location());
      }
      if (answer.reason() != null) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
      }
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      if (keepAlive) {
        ctx.write(response);
      } else {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static String path(HttpRequest request) {
      String uri = request.uri();
      int query = uri.indexOf('?');
      return query < 0 ? uri : uri.substring(0, query);
    }

    /** The Date header (RFC 9110 wants one on every 2xx-4xx), formatted once a second. */
    private AsciiString date() {
      long second = System.currentTimeMillis() / 1000;
      Dated dated = this.dated;
      if (dated.second() != second) {
        dated =
            new Dated(
                second,
                AsciiString.cached(
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC))));
        this.dated = dated;
      }
      return dated.value();
    }

    /** One flush per batch of requests read, not one per request. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      }
    }

    /** A reset connection or a broken pipe ends that connection, nothing else. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
