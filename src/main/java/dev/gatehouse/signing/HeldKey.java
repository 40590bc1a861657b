package dev.gatehouse.signing;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;

/** A key in memory, ready to sign and verify. */
record HeldKey(
    String kid,
    String alg,
    long createdAt,
    long signsFrom,
    JWK jwk,
    JWSSigner signer,
    JWSVerifier verifier) {}
