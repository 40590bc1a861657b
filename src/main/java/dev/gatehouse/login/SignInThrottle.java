package dev.gatehouse.login;

import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Whom a password sign-in is counted against. Without a known-browser cookie for the account: the
 * client address (one address guessing many accounts) and the account (many addresses guessing
 * one). With one: only that browser's own counter, so that guesses by others, which throttle the
 * account, do not lock its owner out.
 */
final class SignInThrottle {
  private final Throttle perAddress;
  private final Throttle perAccount;
  private final Throttle perKnownBrowser;

  /** One sign-in attempt: the address, the account (lower case), the known browser's id or null. */
  record Attempt(String address, String account, @Nullable String knownBrowser) {
    private String browserKey() {
      return account + "/" + knownBrowser;
    }
  }

  SignInThrottle(Throttles throttles) {
    this.perAddress = throttles.perAddress("login_ip");
    this.perAccount = throttles.perAccount("login_account");
    this.perKnownBrowser = throttles.perAccount("login_known_browser");
  }

  /** How long the attempt must wait before its password is checked; zero when it may go on. */
  Duration waitFor(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      return perKnownBrowser.waitFor(attempt.browserKey());
    }
    Duration address = perAddress.waitFor(attempt.address());
    return address.isPositive() ? address : perAccount.waitFor(attempt.account());
  }

  void failed(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      perKnownBrowser.charge(attempt.browserKey());
    } else {
      perAddress.charge(attempt.address());
      perAccount.charge(attempt.account());
    }
  }

  /**
   * A successful sign-in clears the failures it was counted against: the account's, or only the
   * known browser's, since the owner signing in from their own browser says nothing about the
   * guesses others are making (and must not hand them fresh free attempts).
   */
  void succeeded(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      perKnownBrowser.forgive(attempt.browserKey());
    } else {
      perAccount.forgive(attempt.account());
    }
  }
}
