package dev.gatehouse.mfa;

import io.nayuki.qrcodegen.QrCode;
import io.nayuki.qrcodegen.QrSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A QR code as an inline SVG string, made on the server so that the enrolment page needs no script
 * and no image request: error correction M, a quiet zone of four modules, the dark modules as one
 * {@code <path>} (one horizontal run per subpath) on a white background, so it stays readable on a
 * dark page. Nothing in it refers outside itself: no script, no link, no style sheet.
 */
public final class QrSvg {
  /** The quiet zone the QR standard asks for around the symbol, in modules. */
  static final int QUIET_ZONE = 4;

  /** Default rendered size of one module in CSS pixels; a style sheet may override width/height. */
  private static final int PIXELS_PER_MODULE = 4;

  /** Unicode ECI assignment number for UTF-8. */
  private static final int ECI_UTF_8 = 26;

  private QrSvg() {}

  /** The SVG of a QR code for {@code text}, labelled "QR code" for assistive technology. */
  public static String of(String text) {
    return of(text, "QR code");
  }

  /**
   * The SVG of a QR code for {@code text}, with {@code label} as its accessible name.
   *
   * @throws IllegalArgumentException if {@code text} does not fit in a QR code at level M
   */
  public static String of(String text, String label) {
    QrCode qr =
        QrCode.encodeSegments(
            segments(text), QrCode.Ecc.MEDIUM, QrCode.MIN_VERSION, QrCode.MAX_VERSION, -1, false);
    int side = qr.size + 2 * QUIET_ZONE;
    int pixels = side * PIXELS_PER_MODULE;
    StringBuilder svg = new StringBuilder(64 * qr.size + 256);
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(side)
        .append(' ')
        .append(side)
        .append("\" width=\"")
        .append(pixels)
        .append("\" height=\"")
        .append(pixels)
        .append("\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"")
        .append(escape(label))
        .append("\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
    for (int y = 0; y < qr.size; y++) {
      int x = 0;
      while (x < qr.size) {
        if (!qr.getModule(x, y)) {
          x++;
          continue;
        }
        int start = x;
        while (x < qr.size && qr.getModule(x, y)) {
          x++;
        }
        int run = x - start;
        svg.append('M')
            .append(start + QUIET_ZONE)
            .append(',')
            .append(y + QUIET_ZONE)
            .append('h')
            .append(run)
            .append("v1h-")
            .append(run)
            .append('z');
      }
    }
    return svg.append("\"/></svg>").toString();
  }

  /**
   * nayuki's segmentation, behind a UTF-8 ECI when the text is not ASCII: without it a reader may
   * guess ISO-8859-1 or Shift JIS for the bytes. ASCII text, every otpauth URI among it, goes
   * without: some older readers mishandle an ECI.
   */
  private static List<QrSegment> segments(String text) {
    List<QrSegment> segments = QrSegment.makeSegments(text);
    if (text.chars().allMatch(c -> c < 0x80)) {
      return segments;
    }
    List<QrSegment> withEci = new ArrayList<>(segments.size() + 1);
    withEci.add(QrSegment.makeEci(ECI_UTF_8));
    withEci.addAll(segments);
    return withEci;
  }

  /** XML attribute text: markup characters escaped, characters XML 1.0 forbids replaced. */
  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 || c == 0xfffe || c == 0xffff ? ' ' : c);
      }
    }
    return out.toString();
  }
}
