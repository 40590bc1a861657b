package dev.gatehouse.crypto;

/** Chooses the Argon2id implementation. */
final class Argon2s {
  private Argon2s() {}

  static Argon2 best() {
    return new BouncyCastleArgon2();
  }
}
