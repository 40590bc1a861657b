package dev.gatehouse.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Pure-Java Argon2id; always available. Its memory blocks live on the Java heap. */
final class BouncyCastleArgon2 implements Argon2 {

  @Override
  public byte[] hash(byte[] password, byte[] salt, Argon2Params params, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(params.memoryKiB())
            .withIterations(params.iterations())
            .withParallelism(params.parallelism())
            .build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  // Each 1 KiB block is a long[128] inside a Block object: about 1,060 bytes with the headers and
  // the reference in the block array; 1,088 leaves room for the odd JVM layout.
  @Override
  public long heapBytes(Argon2Params params) {
    return params.memoryKiB() * 1088L;
  }

  @Override
  public String name() {
    return "bouncycastle";
  }
}
