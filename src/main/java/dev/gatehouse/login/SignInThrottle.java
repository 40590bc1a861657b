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

  /**
   * Admits the attempt (zero), or answers how long it must wait before its password is checked. An
   * admitted attempt ends in {@link #failed}, {@link #succeeded} or {@link #unchecked}.
   */
  Duration begin(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      return perKnownBrowser.begin(attempt.browserKey());
    }
    Duration address = perAddress.begin(attempt.address());
    if (address.isPositive()) {
      return address;
    }
    Duration account = perAccount.begin(attempt.account());
    if (account.isPositive()) {
      perAddress.pass(attempt.address());
    }
    return account;
  }

  void failed(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      perKnownBrowser.fail(attempt.browserKey());
    } else {
      perAddress.fail(attempt.address());
      perAccount.fail(attempt.account());
    }
  }

  /**
   * A successful sign-in clears the failures it was counted against: the account's, or only the
   * known browser's, since the owner signing in from their own browser says nothing about the
   * guesses others are making (and must not hand them fresh free attempts). The address keeps its
   * count: one right password does not excuse guesses at other accounts.
   */
  void succeeded(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      perKnownBrowser.forgive(attempt.browserKey());
    } else {
      perAddress.pass(attempt.address());
      perAccount.forgive(attempt.account());
    }
  }

  /** The password was never checked (the hash queue was full): neither a failure nor a success. */
  void unchecked(Attempt attempt) {
    if (attempt.knownBrowser() != null) {
      perKnownBrowser.pass(attempt.browserKey());
    } else {
      perAddress.pass(attempt.address());
      perAccount.pass(attempt.account());
    }
  }
}
