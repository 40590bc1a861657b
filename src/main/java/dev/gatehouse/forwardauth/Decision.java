package dev.gatehouse.forwardauth;

import dev.gatehouse.user.Principal;
import org.jspecify.annotations.Nullable;

/** The outcome of one access check. */
sealed interface Decision {

  /** Let the request through; {@code principal} is null on a public path reached anonymously. */
  record Allow(@Nullable Principal principal) implements Decision {}

  /**
   * Nobody is signed in (or the credentials are dead): sign in first; or, with {@code stepUp},
   * someone is, with one factor, where two are required: prove a second.
   */
  record SignIn(boolean stepUp) implements Decision {}

  /** Signed in, or not, but not allowed. */
  record Deny() implements Decision {}

  /** The proxy sent headers the engine cannot use. */
  record BadRequest(String reason) implements Decision {}

  SignIn SIGN_IN = new SignIn(false);
  SignIn STEP_UP = new SignIn(true);
  Deny DENY = new Deny();
}
