package dev.gatehouse.crypto;

/** An {@link Argon2} for tests whose hash is {@code fn}; it takes no heap. */
record StubArgon2(String name, Fn fn) implements Argon2 {
  interface Fn {
    byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length);
  }

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length) {
    return fn.hash(password, salt, params, length);
  }

  @Override
  public long heapBytes(Argon2Params params) {
    return 0;
  }
}
