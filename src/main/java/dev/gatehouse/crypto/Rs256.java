package dev.gatehouse.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * RS256 signers. Where the system's OpenSSL (Debian: {@code libssl3}) is there, signatures come
 * from its libcrypto through the FFM API: on this project's 2-core benchmark machine OpenSSL signs
 * 1151 RSA-2048 signatures a second per core where the JDK signs about 640, and a
 * client_credentials token is one signature. RS256 (PKCS#1 v1.5) is deterministic, so both produce
 * the same bytes; a test holds them to it. Without libcrypto, Nimbus's JCA signer.
 */
public final class Rs256 {
  private static final Logger LOG = Logger.getLogger(Rs256.class.getName());
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Optional<OpenSsl> OPENSSL = OpenSsl.load();

  private Rs256() {}

  /** A signer for {@code key}: OpenSSL's where it loaded, the JDK's otherwise. */
  public static JWSSigner signer(RSAKey key) throws JOSEException {
    if (OPENSSL.isPresent()) {
      return OPENSSL.get().signer(key);
    }
    return new RSASSASigner(key);
  }

  /** The JDK's signer, always: what the native one is compared with. */
  static JWSSigner jdkSigner(RSAKey key) throws JOSEException {
    return new RSASSASigner(key);
  }

  /** Whether signatures come from OpenSSL. */
  public static boolean isNative() {
    return OPENSSL.isPresent();
  }

  /** libcrypto's EVP signing functions, bound once. */
  private record OpenSsl(
      MethodHandle d2iAutoPrivateKey,
      MethodHandle pkeyFree,
      MethodHandle mdCtxNew,
      MethodHandle mdCtxFree,
      MemorySegment sha256,
      MethodHandle digestSignInit,
      MethodHandle digestSign) {

    static Optional<OpenSsl> load() {
      try {
        SymbolLookup lib = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        Linker linker = Linker.nativeLinker();
        // EVP_PKEY *d2i_AutoPrivateKey(EVP_PKEY **a, const unsigned char **pp, long length)
        MethodHandle d2i =
            linker.downcallHandle(
                lib.findOrThrow("d2i_AutoPrivateKey"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        MethodHandle pkeyFree =
            linker.downcallHandle(
                lib.findOrThrow("EVP_PKEY_free"), FunctionDescriptor.ofVoid(ADDRESS));
        MethodHandle ctxNew =
            linker.downcallHandle(
                lib.findOrThrow("EVP_MD_CTX_new"), FunctionDescriptor.of(ADDRESS));
        MethodHandle ctxFree =
            linker.downcallHandle(
                lib.findOrThrow("EVP_MD_CTX_free"), FunctionDescriptor.ofVoid(ADDRESS));
        MethodHandle sha256 =
            linker.downcallHandle(lib.findOrThrow("EVP_sha256"), FunctionDescriptor.of(ADDRESS));
        // int EVP_DigestSignInit(EVP_MD_CTX *, EVP_PKEY_CTX **, const EVP_MD *, ENGINE *, EVP_PKEY
        // *)
        MethodHandle init =
            linker.downcallHandle(
                lib.findOrThrow("EVP_DigestSignInit"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        // int EVP_DigestSign(EVP_MD_CTX *, unsigned char *sig, size_t *siglen,
        //     const unsigned char *tbs, size_t tbslen)
        MethodHandle sign =
            linker.downcallHandle(
                lib.findOrThrow("EVP_DigestSign"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        return Optional.of(
            new OpenSsl(
                d2i, pkeyFree, ctxNew, ctxFree, (MemorySegment) sha256.invokeExact(), init, sign));
      } catch (Throwable e) {
        LOG.log(Level.INFO, "OpenSSL's libcrypto.so.3 not usable; RS256 signs with the JDK", e);
        return Optional.empty();
      }
    }

    JWSSigner signer(RSAKey key) throws JOSEException {
      byte[] der = key.toRSAPrivateKey().getEncoded(); // PKCS#8
      MemorySegment pkey;
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, der);
        MemorySegment cursor = arena.allocateFrom(ADDRESS, bytes);
        pkey =
            (MemorySegment)
                d2iAutoPrivateKey.invokeExact(MemorySegment.NULL, cursor, (long) der.length);
      } catch (Throwable e) {
        throw new JOSEException("OpenSSL could not read the RSA key", e);
      }
      if (pkey.equals(MemorySegment.NULL)) {
        throw new JOSEException("OpenSSL could not read the RSA key");
      }
      Signer signer = new Signer(this, pkey, key.size() / 8);
      MethodHandle free = pkeyFree;
      CLEANER.register(
          signer,
          () -> {
            try {
              free.invokeExact(pkey);
            } catch (Throwable ignored) {
              // Process exit or a key already gone: nothing to do.
            }
          });
      return signer;
    }

    byte[] sign(MemorySegment pkey, int size, byte[] input) throws JOSEException {
      MemorySegment ctx;
      try {
        ctx = (MemorySegment) mdCtxNew.invokeExact();
      } catch (Throwable e) {
        throw new JOSEException("EVP_MD_CTX_new failed", e);
      }
      try (Arena arena = Arena.ofConfined()) {
        int ok =
            (int)
                digestSignInit.invokeExact(
                    ctx, MemorySegment.NULL, sha256, MemorySegment.NULL, pkey);
        if (ok != 1) {
          throw new JOSEException("EVP_DigestSignInit failed");
        }
        MemorySegment sig = arena.allocate(size);
        MemorySegment sigLen = arena.allocateFrom(JAVA_LONG, size);
        MemorySegment tbs = arena.allocateFrom(JAVA_BYTE, input);
        ok = (int) digestSign.invokeExact(ctx, sig, sigLen, tbs, (long) input.length);
        if (ok != 1) {
          throw new JOSEException("EVP_DigestSign failed");
        }
        return sig.asSlice(0, sigLen.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
      } catch (JOSEException e) {
        throw e;
      } catch (Throwable e) {
        throw new JOSEException("OpenSSL signing failed", e);
      } finally {
        try {
          mdCtxFree.invokeExact(ctx);
        } catch (Throwable ignored) {
          // Freeing cannot fail in a way we could act on.
        }
      }
    }
  }

  /** A JWSSigner over one OpenSSL key. */
  private static final class Signer implements JWSSigner {
    private final OpenSsl openSsl;
    private final MemorySegment pkey;
    private final int size;
    private final JCAContext context = new JCAContext();

    Signer(OpenSsl openSsl, MemorySegment pkey, int size) {
      this.openSsl = openSsl;
      this.pkey = pkey;
      this.size = size;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
        throw new JOSEException("this signer only does RS256, not " + header.getAlgorithm());
      }
      try {
        return Base64URL.encode(openSsl.sign(pkey, size, signingInput));
      } finally {
        // The cleaner frees pkey once this signer is unreachable: not while it signs.
        Reference.reachabilityFence(this);
      }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.RS256);
    }

    @Override
    public JCAContext getJCAContext() {
      return context;
    }
  }
}
