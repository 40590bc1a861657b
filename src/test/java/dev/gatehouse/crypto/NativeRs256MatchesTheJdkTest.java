package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * RS256 is deterministic (PKCS#1 v1.5): OpenSSL's signature of an input must be the JDK's, byte for
 * byte, for keys of every size Gatehouse could hold.
 */
class NativeRs256MatchesTheJdkTest {
  @Test
  void openSslIsUsedWhereLibcryptoIsInstalled() {
    boolean installed =
        Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libcrypto.so.3"));

    assertThat(Rs256.isNative()).isEqualTo(installed);
  }

  @Test
  void signaturesAreTheJdksByteForByteAndVerify() throws Exception {
    JWSHeader header = new JWSHeader(JWSAlgorithm.RS256);
    for (int bits : new int[] {2048, 3072, 4096}) {
      RSAKey key = new RSAKeyGenerator(bits).generate();
      for (String input : new String[] {"", "a", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ6b2UifQ"}) {
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);

        Base64URL signed = Rs256.signer(key).sign(header, bytes);

        assertThat(signed).isEqualTo(Rs256.jdkSigner(key).sign(header, bytes));
        assertThat(new RSASSAVerifier(key.toRSAPublicKey()).verify(header, bytes, signed)).isTrue();
      }
    }
  }
}
