package dev.gatehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host names as proxies send them, each to its one canonical spelling or refused. */
class HostNameIsCanonicalOrRefusedTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "REFUSED",
      textBlock =
          """
          immich.example.com          | immich.example.com
          IMMICH.Example.COM          | immich.example.com
          immich.example.com.         | immich.example.com
          immich.example.com.:443     | immich.example.com:443
          Immich.Example.Com:8443     | immich.example.com:8443
          localhost                   | localhost
          my_host.lan                 | my_host.lan
          192.0.2.1:80                | 192.0.2.1:80
          [::1]                       | [::1]
          [2001:DB8::1]:8443          | [2001:db8::1]:8443
          immich.example.com..        | REFUSED
          .immich.example.com         | REFUSED
          immich..example.com         | REFUSED
          immich.example.com:         | REFUSED
          immich.example.com:0        | REFUSED
          immich.example.com:65536    | REFUSED
          immich.example.com:123456   | REFUSED
          immich.example.com:44a      | REFUSED
          immich.example.com:443:443  | REFUSED
          user@immich.example.com     | REFUSED
          immich.example.com/evil     | REFUSED
          immich.example.com\\evil    | REFUSED
          *.example.com               | REFUSED
          imm%69ch.example.com        | REFUSED
          immich.exampl\u0435.com     | REFUSED
          [::1                        | REFUSED
          [::1]x                      | REFUSED
          [zz::1]                     | REFUSED
          .                           | REFUSED
          """)
  void canonicalises(String raw, String expected) {
    assertThat(HostName.canonical(raw.replace("\\u0435", "\u0435"))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void emptyAndOverlongNamesAreRefused() {
    assertThat(HostName.canonical("")).isNull();
    assertThat(HostName.canonical("a".repeat(254))).isNull();
    assertThat(HostName.canonical("a".repeat(253))).isEqualTo("a".repeat(253));
  }
}
