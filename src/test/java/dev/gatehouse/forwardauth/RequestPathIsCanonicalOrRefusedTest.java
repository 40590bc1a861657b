package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonicaliser alone, in memory: each raw path (as the proxy forwards it) either becomes the
 * path the upstream serves, or is refused (empty column) because upstreams read it differently.
 */
class RequestPathIsCanonicalOrRefusedTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "REFUSED",
      textBlock =
          """
          /                                  | /
          /admin                             | /admin
          /admin/                            | /admin/
          /admin?x=/../y                     | /admin
          /a/b.c/d..e/...                    | /a/b.c/d..e/...
          /.well-known/openid-configuration  | /.well-known/openid-configuration
          /%61dmin/                          | /admin/
          /%41dmin                           | /Admin
          //admin/                           | /admin/
          ///admin//users//                  | /admin/users/
          /%73ecret/                         | /secret/
          /my%20app                          | /my app
          /caf%C3%A9                         | /café
          /%E2%82%AC                         | /€
          /a%3Fb                             | /a?b
          /a%23b                             | /a#b
          /a%25                              | /a%
          /a%25zz                            | /a%zz
          /api/health/..%2f..%2fadmin/       | REFUSED
          /api/health/../../admin/           | REFUSED
          /api/health/%2e%2e/admin/          | REFUSED
          /api/health/.%2E/admin             | REFUSED
          /public/./admin                    | REFUSED
          /public/%2e/admin                  | REFUSED
          /public/..                         | REFUSED
          /..                                | REFUSED
          /.                                 | REFUSED
          /a%2fb                             | REFUSED
          /a%2Fb                             | REFUSED
          /a%5cb                             | REFUSED
          /a\\b                              | REFUSED
          /public/..;/admin                  | REFUSED
          /admin;jsessionid=1                | REFUSED
          /admin%3bx                         | REFUSED
          /a%00b                             | REFUSED
          /a%0d%0ab                          | REFUSED
          /a%7f                              | REFUSED
          /a%252e%252e/admin                 | REFUSED
          /a%252fb                           | REFUSED
          /a%2                               | REFUSED
          /a%zz                              | REFUSED
          /a%                                | REFUSED
          /%c0%ae%c0%ae/admin                | REFUSED
          /%c0%afadmin                       | REFUSED
          /%e0%80%afadmin                    | REFUSED
          /%ed%a0%80                         | REFUSED
          /%ff                               | REFUSED
          /%C3                               | REFUSED
          /%EF%BC%8Fadmin                    | REFUSED
          /%EF%BC%8E%EF%BC%8E/admin          | REFUSED
          /%EF%B9%94x                        | REFUSED
          /a#frag                            | REFUSED
          admin                              | REFUSED
          ?x=1                               | REFUSED
          /a b                               | REFUSED
          """)
  void canonicalises(String raw, String expected) {
    assertThat(RequestPath.canonical(raw)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aPlainPathIsReturnedAsItIs() {
    String plain = "/api/v1/items";
    assertThat(RequestPath.canonical(plain)).isSameAs(plain);
  }
}
