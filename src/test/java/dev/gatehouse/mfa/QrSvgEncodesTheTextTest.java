package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.ResultMetadataType;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * The SVG is a real QR code of the text: its path is drawn back into pixels and read with ZXing,
 * another implementation than the nayuki encoder that made it. And it is inert markup.
 */
class QrSvgEncodesTheTextTest {
  private static final Pattern VIEW_BOX = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"");
  private static final Pattern PATH = Pattern.compile("<path fill=\"#000\" d=\"([^\"]*)\"/>");
  private static final Pattern RUN = Pattern.compile("M(\\d+),(\\d+)h(\\d+)v1h-(\\d+)z");
  private static final int PIXELS_PER_MODULE = 3;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello",
        "12345678901234567890",
        "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
        "Grüße aus Zürich, 東京",
      })
  void zxingReadsTheDrawnPathBackAsTheTextAtLevelM(String text) throws Exception {
    Result result = read(QrSvg.of(text));

    assertThat(result.getText()).isEqualTo(text);
    assertThat(result.getResultMetadata())
        .containsEntry(ResultMetadataType.ERROR_CORRECTION_LEVEL, "M");
  }

  @Test
  void aTotpUriOfANewKeyIsReadBack() throws Exception {
    String uri = Totp.uri("Gatehouse", "alice@example.org", Totp.newKey(new SecureRandom()));

    assertThat(read(QrSvg.of(uri, "Scan with your authenticator app")).getText()).isEqualTo(uri);
  }

  @Test
  void aLongTextIsReadBack() throws Exception {
    String text = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(30);

    assertThat(read(QrSvg.of(text)).getText()).isEqualTo(text);
  }

  @Test
  void theSymbolSitsInAQuietZoneOfFourModules() {
    String svg = QrSvg.of("quiet zone");
    int side = side(svg);
    boolean[][] modules = modules(svg, side);
    int first = side;
    int last = -1;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        if (modules[y][x]) {
          first = Math.min(first, Math.min(x, y));
          last = Math.max(last, Math.max(x, y));
        }
      }
    }

    assertThat(first).isEqualTo(4);
    assertThat(last).isEqualTo(side - 5);
    assertThat((side - 8 - 17) % 4).as("a QR symbol is 17 + 4 * version modules wide").isZero();
  }

  @Test
  void itIsOneWellFormedSvgElementWithOnePathAndNothingThatReachesOut() throws Exception {
    String svg = QrSvg.of("https://example.org/", "QR code");

    assertThat(svg).startsWith("<svg ").endsWith("</svg>");
    assertThat(svg.split("<path", -1)).hasSize(2);
    assertThat(svg.toLowerCase(Locale.ROOT))
        .doesNotContain("<script", "href", "url(", "<image", "<style", "<foreignobject")
        .doesNotContainPattern("\\son[a-z]+=");
    Element root = parse(svg).getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("svg");
    assertThat(root.getAttribute("xmlns")).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(root.getAttribute("shape-rendering")).isEqualTo("crispEdges");
    assertThat(root.getAttribute("role")).isEqualTo("img");
    assertThat(root.getAttribute("aria-label")).isEqualTo("QR code");
    assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 " + side(svg) + " " + side(svg));
    assertThat(root.getElementsByTagName("path").getLength()).isOne();
  }

  @Test
  void theLabelIsEscapedForXml() throws Exception {
    String label = "Alice's <b>\"key\"</b> & more\u0001";
    String svg = QrSvg.of("x", label);

    assertThat(svg)
        .contains("aria-label=\"Alice&#39;s &lt;b&gt;&quot;key&quot;&lt;/b&gt; &amp; more \"")
        .doesNotContain("<b>");
    assertThat(parse(svg).getDocumentElement().getAttribute("aria-label"))
        .isEqualTo("Alice's <b>\"key\"</b> & more ");
  }

  @Test
  void theDefaultLabelSaysWhatItIs() {
    assertThat(QrSvg.of("x")).contains("aria-label=\"QR code\"");
  }

  private static Result read(String svg) throws Exception {
    int side = side(svg);
    boolean[][] modules = modules(svg, side);
    int width = side * PIXELS_PER_MODULE;
    int[] pixels = new int[width * width];
    Arrays.fill(pixels, 0xffffffff);
    for (int y = 0; y < width; y++) {
      for (int x = 0; x < width; x++) {
        if (modules[y / PIXELS_PER_MODULE][x / PIXELS_PER_MODULE]) {
          pixels[y * width + x] = 0xff000000;
        }
      }
    }
    // No hints: ZXing must find the symbol in the image and the character set from the code.
    return new QRCodeReader()
        .decode(
            new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, width, pixels))));
  }

  private static int side(String svg) {
    Matcher viewBox = VIEW_BOX.matcher(svg);
    assertThat(viewBox.find()).as("viewBox in %s", svg).isTrue();
    assertThat(viewBox.group(1)).isEqualTo(viewBox.group(2));
    return Integer.parseInt(viewBox.group(1));
  }

  /** The path's subpaths, each a one-module-high run, back into a grid of dark modules. */
  private static boolean[][] modules(String svg, int side) {
    Matcher path = PATH.matcher(svg);
    assertThat(path.find()).as("path in %s", svg).isTrue();
    String d = path.group(1);
    boolean[][] modules = new boolean[side][side];
    Matcher run = RUN.matcher(d);
    int end = 0;
    while (run.find()) {
      assertThat(run.start()).as("nothing but runs in the path").isEqualTo(end);
      end = run.end();
      int x = Integer.parseInt(run.group(1));
      int y = Integer.parseInt(run.group(2));
      int length = Integer.parseInt(run.group(3));
      assertThat(run.group(4)).isEqualTo(run.group(3));
      for (int i = 0; i < length; i++) {
        assertThat(modules[y][x + i]).as("modules drawn once").isFalse();
        modules[y][x + i] = true;
      }
    }
    assertThat(end).isEqualTo(d.length());
    return modules;
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }
}
