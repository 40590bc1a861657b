package dev.gatehouse.testing;

import dev.gatehouse.mfa.Totp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A phone's authenticator app for tests: it reads the key from the enrolment page as a person would
 * type it, and gives a fresh code each time (the next time step when the current one was used, as a
 * person waiting for the next code would).
 */
public final class AuthenticatorApp {
  private static final Pattern KEY = Pattern.compile("<code class=\"key\">([A-Z2-7 ]+)</code>");
  private static final Pattern SEALED = Pattern.compile("name=\"sealed\" value=\"([^\"]+)\"");
  private static final Pattern CODE = Pattern.compile("<li><code>([0-9a-z-]{19})</code>");

  private final byte[] key;
  private final InstantSource clock;
  private long lastStep = Long.MIN_VALUE;

  private AuthenticatorApp(byte[] key, InstantSource clock) {
    this.key = key;
    this.clock = clock;
  }

  /** The outcome of an enrolment: the app, the answer, and the recovery codes it showed. */
  public record Enrolled(AuthenticatorApp app, HttpResponse<String> answer, List<String> codes) {}

  /**
   * Opens the enrolment page ({@code rd} to come back to, or empty), scans the key and confirms it
   * with the first code.
   */
  public static Enrolled enrol(Browser browser, String rd, InstantSource clock) {
    HttpResponse<String> page =
        browser.get(
            "/login/enrol"
                + (rd.isEmpty() ? "" : "?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8)));
    Matcher key = KEY.matcher(page.body());
    Matcher sealed = SEALED.matcher(page.body());
    if (page.statusCode() != 200 || !key.find() || !sealed.find()) {
      throw new IllegalStateException(
          "no enrolment page: " + page.statusCode() + " " + page.headers().map() + page.body());
    }
    AuthenticatorApp app = new AuthenticatorApp(Totp.fromBase32(key.group(1)), clock);
    HttpResponse<String> answer =
        browser.submit(
            "/login/enrol/totp",
            Map.of(
                "rd", rd,
                "sealed", sealed.group(1).replace("&#43;", "+").replace("&#61;", "="),
                "code", app.code()));
    List<String> codes = new ArrayList<>();
    Matcher code = CODE.matcher(answer.body());
    while (code.find()) {
      codes.add(code.group(1));
    }
    return new Enrolled(app, answer, codes);
  }

  /** A code not shown before: the current step's, or the next one's if that was used. */
  public String code() {
    long step = Math.max(Totp.step(clock.millis()), lastStep + 1);
    lastStep = step;
    return Totp.code(key, step);
  }

  /** The code of a step already used: what a replay looks like. */
  public String lastCode() {
    return Totp.code(key, lastStep);
  }
}
