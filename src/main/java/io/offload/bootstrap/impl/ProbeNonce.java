package io.offload.bootstrap.impl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The payload of a UCX bootstrap probe, which proves that the peer on the socket owns the worker
 * address it sent (issue 16, fault 5).
 *
 * <p>Each side sends its probe over UCX to the address the peer gave; the payload is 16 random
 * bytes and a 16-byte tag, SHA-256 of a key of this engine's own and those bytes (a keyed digest of
 * a fixed-length input: no length extension applies; JCE's {@code Mac}, whose start-up took a
 * tenth of a rank JVM's, is not needed). The peer must echo the
 * payload in READY on the socket: only whoever receives UCX messages at that address can. A
 * probe that arrives and carries a tag of this very engine was sent by this engine to itself (the
 * peer gave our own address, or routed our probe to another of our connections): it is refused
 * and never echoed, so no socket learns a payload it did not receive from its own UCX worker.
 * Engines in one JVM have different keys, so they still bootstrap with each other.
 *
 * <p>Thread safety: safe from any thread.
 */
public final class ProbeNonce {

  static final int LENGTH = 32;
  private static final int RANDOM_PART = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** This engine's key: probes tagged with it are this engine's own. */
  private final byte[] key = new byte[32];

  /** A fresh key: one per engine. */
  public ProbeNonce() {
    RANDOM.nextBytes(key);
  }

  /** A fresh probe payload of this engine. */
  byte[] issue() {
    byte[] p = new byte[LENGTH];
    RANDOM.nextBytes(p);
    System.arraycopy(tag(p), 0, p, RANDOM_PART, LENGTH - RANDOM_PART);
    return p;
  }

  /** Whether {@code payload} is a probe that this engine itself issued. */
  boolean isOwn(byte[] payload) {
    return payload.length == LENGTH && MessageDigest.isEqual(Arrays.copyOfRange(payload, RANDOM_PART, LENGTH),
        Arrays.copyOf(tag(payload), LENGTH - RANDOM_PART));
  }

  private byte[] tag(byte[] payload) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(key);
      sha.update(payload, 0, RANDOM_PART);
      return Arrays.copyOf(sha.digest(), LENGTH - RANDOM_PART);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
