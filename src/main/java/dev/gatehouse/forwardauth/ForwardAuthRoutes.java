package dev.gatehouse.forwardauth;

import dev.gatehouse.user.UserDirectory;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Function;

/**
 * The forward-auth endpoints on the main listener, beside the portal and the APIs: {@code
 * /api/authz/forward-auth} and {@code /api/authz/auth-request}. {@link ForwardAuthListener} serves
 * the same two on a port of their own.
 */
public final class ForwardAuthRoutes implements HttpService {
  private static final HeaderName[] NAMES = new HeaderName[ProxyHeader.values().length];

  static {
    for (ProxyHeader header : ProxyHeader.values()) {
      NAMES[header.ordinal()] = HeaderNames.create(header.wireName);
    }
  }

  private final ForwardAuth forwardAuth;
  private final IdentityHeaders<Header> identityHeaders;

  ForwardAuthRoutes(ForwardAuth forwardAuth, UserDirectory users) {
    this.forwardAuth = forwardAuth;
    // Cached headers keep their bytes; without the cache Helidon would write them as US-ASCII.
    this.identityHeaders =
        new IdentityHeaders<>(
            users,
            (name, value) ->
                HeaderValues.createCached(HeaderNames.create(name), false, false, value));
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/api/authz/forward-auth", (req, res) -> carry(req, res, forwardAuth::forwardAuth));
    rules.get("/api/authz/auth-request", (req, res) -> carry(req, res, forwardAuth::authRequest));
  }

  private void carry(
      ServerRequest req, ServerResponse res, Function<RequestHeaders, Answer> protocol) {
    Headers headers = req.headers();
    Answer answer = protocol.apply(header -> headers.first(NAMES[header.ordinal()]).orElse(null));
    if (answer.status() == 200) {
      for (Header header : identityHeaders.of(answer.principal())) {
        res.header(header);
      }
      if (answer.cookie() != null) {
        res.header(HeaderNames.COOKIE, answer.cookie());
      }
    }
    if (answer.location() != null) {
      res.header(HeaderNames.LOCATION, answer.location());
    }
    res.status(Status.create(answer.status()));
    if (answer.reason() != null) {
      res.send(answer.reason());
    } else {
      res.send();
    }
  }
}
