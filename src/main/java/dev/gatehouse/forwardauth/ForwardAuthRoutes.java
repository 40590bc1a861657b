package dev.gatehouse.forwardauth;

import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.Routing;
import io.netty.util.AsciiString;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The forward-auth endpoints, {@code /api/authz/forward-auth} and {@code /api/authz/auth-request},
 * on the public listener and, when configured, on {@code [forward_auth] listen}. Both run on the
 * event loop: a decision reads memory only, so the loop reads, decides and answers with no
 * hand-off.
 */
public final class ForwardAuthRoutes {
  private static final Logger LOG = Logger.getLogger(ForwardAuthRoutes.class.getName());
  private static final CharSequence[] NAMES = new CharSequence[ProxyHeader.values().length];
  private static final CharSequence TEXT_PLAIN =
      HttpHeaders.createOptimized("text/plain; charset=UTF-8");

  static {
    for (ProxyHeader header : ProxyHeader.values()) {
      NAMES[header.ordinal()] = HttpHeaders.createOptimized(header.wireName);
    }
  }

  private final ForwardAuth forwardAuth;
  private final IdentityHeaders<CharSequence[]> identityHeaders;

  ForwardAuthRoutes(ForwardAuth forwardAuth, UserDirectory users) {
    this.forwardAuth = forwardAuth;
    // An AsciiString over the UTF-8 bytes goes out byte for byte ("Zoë" stays "Zoë").
    this.identityHeaders =
        new IdentityHeaders<>(
            users,
            (name, value) ->
                new CharSequence[] {
                  HttpHeaders.createOptimized(name),
                  new AsciiString(value.getBytes(StandardCharsets.UTF_8), false)
                });
  }

  public void register(Routing routing) {
    routing
        .direct("/api/authz/forward-auth", request -> carry(request, forwardAuth::forwardAuth))
        .direct("/api/authz/auth-request", request -> carry(request, forwardAuth::authRequest));
  }

  /**
   * Decides on the loop; only a credential worth looking up (on a cluster, a sign-in or pairing on
   * another node not yet heard of, a bounded number a second) sends the request through a virtual
   * thread for one read first, then back to the loop to decide.
   */
  private void carry(HttpServerRequest request, Function<RequestHeaders, Answer> protocol) {
    MultiMap headers = request.headers();
    RequestHeaders read = header -> headers.get(NAMES[header.ordinal()]);
    Runnable lookup = forwardAuth.lookupFor(read);
    if (lookup == null) {
      answer(request, protocol.apply(read));
      return;
    }
    Context context = Vertx.currentContext();
    Thread.ofVirtual()
        .name("gatehouse-session-lookup")
        .start(
            () -> {
              try {
                lookup.run();
              } catch (RuntimeException e) {
                // The database is unreachable: memory's answer (signed out) stands.
                LOG.log(Level.FINE, "session lookup failed", e);
              }
              context.runOnContext(v -> answer(request, protocol.apply(read)));
            });
  }

  private void answer(HttpServerRequest request, Answer answer) {
    HttpServerResponse response = request.response().setStatusCode(answer.status());
    if (answer.status() == 200) {
      for (CharSequence[] header : identityHeaders.of(answer.principal())) {
        response.putHeader(header[0], header[1]);
      }
      if (answer.cookie() != null) {
        response.putHeader(HttpHeaders.COOKIE, answer.cookie());
      }
    }
    if (answer.location() != null) {
      response.putHeader(HttpHeaders.LOCATION, answer.location());
    }
    if (answer.reason() != null) {
      response
          .putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN)
          .end(Buffer.buffer(answer.reason().getBytes(StandardCharsets.UTF_8)));
    } else {
      response.end();
    }
  }
}
