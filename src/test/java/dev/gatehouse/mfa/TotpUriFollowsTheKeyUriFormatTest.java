package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The otpauth URI of google-authenticator's Key Uri Format, and the unpadded RFC 4648 Base32 of its
 * secret.
 */
class TotpUriFollowsTheKeyUriFormatTest {
  private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
    "'', ''",
    "f, MY",
    "fo, MZXQ",
    "foo, MZXW6",
    "foob, MZXW6YQ",
    "fooba, MZXW6YTB",
    "foobar, MZXW6YTBOI",
  })
  void base32MatchesTheRfc4648VectorsWithoutPadding(String text, String base32) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);

    assertThat(Totp.base32(bytes)).isEqualTo(base32);
    assertThat(Totp.fromBase32(base32)).isEqualTo(bytes);
  }

  @Test
  void base32RoundTripsRandomKeysOfEveryLengthAndAgreesWithBouncyCastle() {
    SplittableRandom random = new SplittableRandom(6238);
    for (int length = 0; length <= 64; length++) {
      for (int i = 0; i < 20; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        String encoded = Totp.base32(key);

        assertThat(encoded).matches("[A-Z2-7]*").doesNotContain("=");
        assertThat(Totp.fromBase32(encoded)).isEqualTo(key);
        assertThat(Totp.fromBase32(encoded.toLowerCase(Locale.ROOT))).isEqualTo(key);
        assertThat(Totp.fromBase32(Totp.grouped(encoded))).isEqualTo(key);
        assertThat(Base32.toBase32String(key)).startsWith(encoded);
        assertThat(Totp.fromBase32(Base32.toBase32String(key))).isEqualTo(key);
      }
    }
  }

  @Test
  void aTwentyByteKeyIsThirtyTwoCharactersInEightGroups() {
    String encoded = Totp.base32(RFC_KEY);

    assertThat(encoded).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assertThat(Totp.grouped(encoded)).isEqualTo("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    assertThat(Totp.grouped("ABCDEF")).isEqualTo("ABCD EF");
    assertThat(Totp.grouped("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"MZXW6YT1", "MZXW6YT0", "MZXW6YT8", "MZXW-6YTB", "MZ=XW6YTB", "MZXW6YTé"})
  void base32WithCharactersOutsideTheAlphabetIsRefused(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Totp.fromBase32(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"M", "MZX", "MZXW6Y", "MZXW6YTBO"})
  void base32OfALengthNoBytesEncodeToIsRefused(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Totp.fromBase32(text));
  }

  @Test
  void theUriOfTheWikiExampleHasEveryParameter() {
    assertThat(Totp.uri("ACME Co", "john.doe@email.com", RFC_KEY))
        .isEqualTo(
            "otpauth://totp/ACME%20Co:john.doe%40email.com"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co"
                + "&algorithm=SHA1&digits=6&period=30");
  }

  @Test
  void issuerAndAccountWithSpacesColonsAtSignsAndNonAsciiArePercentEncodedAndComeBack() {
    String issuer = "Zürich: Büro & Co+1/東京?";
    String account = "zoë.o'neil@example.org:#1";
    String uri = Totp.uri(issuer, account, RFC_KEY);

    assertThat(uri).matches("[\\x21-\\x7e]+").doesNotContain("+");
    assertThat(uri).contains("Z%C3%BCrich%3A%20B%C3%BCro%20%26%20Co%2B1%2F%E6%9D%B1%E4%BA%AC%3F");

    URI parsed = URI.create(uri);
    assertThat(parsed.getScheme()).isEqualTo("otpauth");
    assertThat(parsed.getRawAuthority()).isEqualTo("totp");
    String label = parsed.getRawPath().substring(1);
    assertThat(label.chars().filter(c -> c == ':').count()).isOne();
    int colon = label.indexOf(':');
    assertThat(decode(label.substring(0, colon))).isEqualTo(issuer);
    assertThat(decode(label.substring(colon + 1))).isEqualTo(account);

    Map<String, String> parameters = parameters(parsed.getRawQuery());
    assertThat(parameters)
        .containsExactly(
            Map.entry("secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            Map.entry("issuer", issuer),
            Map.entry("algorithm", "SHA1"),
            Map.entry("digits", "6"),
            Map.entry("period", "30"));
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&", -1)) {
      int equals = pair.indexOf('=');
      parameters.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
    }
    return parameters;
  }

  /** URLDecoder reads '+' as a space; the URI has none, so it decodes RFC 3986 text here. */
  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
