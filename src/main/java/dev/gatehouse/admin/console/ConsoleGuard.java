package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.audit.Actor;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.net.Cidr;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.Http;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may use the console: a signed-in, enabled member of {@code admins}, from a session that
 * proved a second factor whenever one is required of admins ({@code mfa.require_for_admins}) or the
 * admin has one set up (a stolen password alone must not reach the console of someone who has a
 * passkey). Every post also carries the form's CSRF token. With {@code console.networks} set, the
 * console exists only for clients in those networks. Checked on every request: removing someone
 * from {@code admins}, or disabling them, shuts the console at their next click.
 */
final class ConsoleGuard {
  static final Set<String> ADMINS = Set.of("admins");

  private final SignedInUsers signedInUsers;
  private final Factors factors;
  private final Csrf csrf;
  private final ClientIps clientIps;
  private final boolean requireMfa;
  private final List<Cidr> networks;

  /**
   * @param networks where the console answers from ({@code console.networks}); empty: anywhere
   */
  ConsoleGuard(
      SignedInUsers signedInUsers,
      Factors factors,
      Csrf csrf,
      ClientIps clientIps,
      boolean requireMfa,
      List<Cidr> networks) {
    this.networks = List.copyOf(networks);
    this.signedInUsers = signedInUsers;
    this.factors = factors;
    this.csrf = csrf;
    this.clientIps = clientIps;
    this.requireMfa = requireMfa;
  }

  /**
   * The visit of an admitted admin, or null when the request was answered here: a redirect to sign
   * in or to prove a second factor. Refusals are thrown.
   */
  @Nullable Visit admit(RoutingContext ctx) {
    if (!networks.isEmpty() && !fromAllowedNetwork(clientIps.of(ctx))) {
      // Outside console.networks there is no console: the same answer as an unknown path.
      throw new Failure.NotFound("no such page");
    }
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    boolean change = ctx.request().method() != HttpMethod.GET;
    if (signedIn == null) {
      if (change) {
        throw new Failure.Unauthenticated("sign in first");
      }
      Http.redirect(ctx, "/login?rd=" + back(ctx));
      return null;
    }
    if (!signedIn.principal().inAny(ADMINS)) {
      throw new Failure.Forbidden(
          "you are signed in as "
              + signedIn.principal().username()
              + ", who is not in the admins group");
    }
    if (!signedIn.session().multiFactor()
        && (requireMfa || factors.of(signedIn.principal().id()).any())) {
      if (change) {
        throw new Failure.Forbidden("confirm it's you with your second factor first");
      }
      Http.redirect(ctx, "/login/verify?rd=" + back(ctx));
      return null;
    }
    Form form = change ? Form.read(ctx) : new Form(Map.of(), Set.of());
    if (change && !csrf.permits(ctx, form.get(Csrf.FIELD))) {
      throw new Failure.Forbidden("the form expired; reload the page");
    }
    return new Visit(
        ctx,
        signedIn,
        csrf.token(ctx),
        form,
        new Administration.Origin(
            Actor.user(signedIn.principal().id(), signedIn.principal().username()),
            clientIps.of(ctx),
            ctx.request().getHeader("User-Agent"),
            "the admin console"));
  }

  private boolean fromAllowedNetwork(String address) {
    InetAddress client;
    try {
      client = InetAddress.ofLiteral(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return networks.stream().anyMatch(network -> network.contains(client));
  }

  /** This page, to come back to after signing in. */
  private static String back(RoutingContext ctx) {
    String uri = ctx.request().uri();
    return URLEncoder.encode(uri.startsWith("/admin") ? uri : "/admin", StandardCharsets.UTF_8);
  }
}
