package dev.gatehouse.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which address a portal request counts as: the peer, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For entry that is not a trusted proxy (entries left of it are the client's
 * own words).
 */
class ClientAddressIsTheRightMostUntrustedHopTest {
  private static final ClientAddresses ADDRESSES =
      new ClientAddresses(
          List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

  @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] → {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          203.0.113.9 |                                  | 203.0.113.9
          203.0.113.9 | 198.51.100.1                     | 203.0.113.9
          127.0.0.1   |                                  | 127.0.0.1
          127.0.0.1   | 198.51.100.1                     | 198.51.100.1
          127.0.0.1   | 1.2.3.4, 198.51.100.1            | 198.51.100.1
          127.0.0.1   | 198.51.100.1, 10.0.0.5           | 198.51.100.1
          127.0.0.1   | 198.51.100.1,10.0.0.5 , 10.1.1.1 | 198.51.100.1
          127.0.0.1   | 10.0.0.7, 10.0.0.5               | 10.0.0.7
          127.0.0.1   | garbage, 198.51.100.1            | 198.51.100.1
          127.0.0.1   | 198.51.100.1, garbage            | 127.0.0.1
          127.0.0.1   | 1.2.3.4, garbage, 10.0.0.5       | 10.0.0.5
          ::1         | [2001:db8::7]                    | 2001:db8::7
          ::1         | 2001:db8::7                      | 2001:db8::7
          127.0.0.1   | evil.example.com                 | 127.0.0.1
          """)
  void picksTheClient(String peer, String forwardedFor, String expected) {
    assertThat(ADDRESSES.of(peer, forwardedFor)).isEqualTo(expected);
  }
}
