package dev.gatehouse.crypto;

/** One Argon2id implementation: computes a raw hash for the given parameters. */
interface Argon2 {
  byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length);

  /** Bytes of Java heap one hash at {@code params} holds while it runs. */
  long heapBytes(Argon2Params params);

  /** A short name for logs and the benchmark. */
  String name();
}
