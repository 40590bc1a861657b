package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A browser deletes a cookie only when the Set-Cookie that clears it names the same domain: a
 * host-only cookie (the pending sign-in's) cleared with the cookie domain would outlive the sign-in
 * it belonged to, and the next one in that browser would be read as it.
 */
class HostOnlyCookiesAreClearedWithoutADomainTest {
  private final Cookies cookies = new Cookies("example.com", true);

  @Test
  void hostOnlyCookieIsClearedWithoutTheDomain() {
    assertThat(cookies.setHostOnly(Cookies.PENDING, "v", 300)).doesNotContain("Domain=");
    assertThat(cookies.clearHostOnly(Cookies.PENDING))
        .isEqualTo("gh_pending=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
  }

  @Test
  void domainCookieIsClearedWithTheDomain() {
    assertThat(cookies.clear(Cookies.SESSION)).contains("; Domain=example.com;");
  }
}
