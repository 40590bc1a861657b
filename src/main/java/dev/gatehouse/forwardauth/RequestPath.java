package dev.gatehouse.forwardauth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import org.jspecify.annotations.Nullable;

/**
 * The one path a forward-auth decision is made on.
 *
 * <p>What must always hold: a path either canonicalises to the path every common upstream serves
 * for it, or it is refused. Upstreams decode percent-escapes, merge slashes and resolve dot
 * segments before they route; if rules matched the raw path, {@code /%61dmin}, {@code //admin} or
 * {@code /public/..%2f..%2fadmin} would match one rule here and reach another page there. So the
 * canonical form is: percent-escapes decoded once (as strict UTF-8), repeated slashes merged. What
 * upstreams disagree about is refused rather than guessed: an encoded {@code /} or {@code \}, a
 * backslash, {@code ;} path parameters (Tomcat and Spring strip them, nginx does not), dot segments
 * (plain or encoded), control characters, double encoding ({@code %252e}), invalid or overlong
 * UTF-8, and characters that compatibility normalisation turns into {@code / \ . ; %}.
 *
 * <p>Browsers never send any of the refused forms for a page they link to, so refusing costs
 * nothing to a real user. The common path (ASCII, no escape, no doubled slash, no dot segment)
 * returns without copying anything but the path itself.
 */
final class RequestPath {
  private RequestPath() {}

  /**
   * The canonical path of {@code uri} (a path with an optional query), without the query; null when
   * it must be refused.
   */
  static @Nullable String canonical(String uri) {
    int end = uri.indexOf('?');
    if (end < 0) {
      end = uri.length();
    }
    if (end == 0 || uri.charAt(0) != '/') {
      return null;
    }
    boolean plain = true;
    char previous = 0;
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '\\' || c == ';' || c == '#') {
        return null;
      }
      if (c == '%' || (c == '/' && previous == '/') || (c == '.' && previous == '/')) {
        plain = false;
      }
      previous = c;
    }
    if (plain) {
      return end == uri.length() ? uri : uri.substring(0, end);
    }
    String decoded = decode(uri, end);
    return decoded == null ? null : normalise(decoded);
  }

  /** Decodes every percent-escape once, as strict UTF-8; null for anything refused. */
  private static @Nullable String decode(String uri, int end) {
    byte[] bytes = new byte[end];
    int length = 0;
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c != '%') {
        bytes[length++] = (byte) c;
        continue;
      }
      int value = i + 2 < end ? hex(uri.charAt(i + 1)) << 4 | hex(uri.charAt(i + 2)) : -1;
      if (value < 0
          || value < 0x20
          || value == 0x7f
          || value == '/'
          || value == '\\'
          || value == ';'
          || (value == '%'
              && i + 4 < end
              && hex(uri.charAt(i + 3)) >= 0
              && hex(uri.charAt(i + 4)) >= 0)) {
        return null;
      }
      bytes[length++] = (byte) value;
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Merges repeated slashes; refuses dot segments and look-alikes of structural characters. */
  private static @Nullable String normalise(String path) {
    StringBuilder out = new StringBuilder(path.length());
    boolean ascii = true;
    int segmentStart = 0;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '/') {
        int segmentLength = out.length() - segmentStart;
        if (segmentLength > 0 && segmentLength <= 2 && isDots(out, segmentStart)) {
          return null;
        }
        if (i < path.length() && (out.isEmpty() || out.charAt(out.length() - 1) != '/')) {
          out.append('/');
        }
        segmentStart = out.length();
      } else {
        ascii &= c < 0x80;
        out.append(c);
      }
    }
    String canonical = out.toString();
    if (!ascii
        && structure(Normalizer.normalize(canonical, Normalizer.Form.NFKC))
            != structure(canonical)) {
      return null;
    }
    return canonical;
  }

  private static boolean isDots(CharSequence out, int from) {
    for (int i = from; i < out.length(); i++) {
      if (out.charAt(i) != '.') {
        return false;
      }
    }
    return true;
  }

  /** How many characters with a meaning to path routing a string holds. */
  private static int structure(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      switch (text.charAt(i)) {
        case '/', '\\', '.', ';', '%', '?', '#' -> count++;
        default -> {}
      }
    }
    return count;
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
