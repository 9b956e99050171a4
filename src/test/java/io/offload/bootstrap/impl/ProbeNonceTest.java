package io.offload.bootstrap.impl;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine's key recognizes its own probes and no other engine's (each engine has its own key, also within one JVM). */
class ProbeNonceTest {

  @Test
  void shouldRecognizeOnlyItsOwnProbes() {
    ProbeNonce a = new ProbeNonce();
    ProbeNonce b = new ProbeNonce();
    byte[] p = a.issue();
    assertEquals(ProbeNonce.LENGTH, p.length);
    assertTrue(a.isOwn(p));
    assertFalse(b.isOwn(p), "another engine of the same JVM is a legitimate peer");
    byte[] tampered = p.clone();
    tampered[3] ^= 1;
    assertFalse(a.isOwn(tampered));
    assertFalse(a.isOwn(new byte[0]));
    assertFalse(Arrays.equals(p, a.issue()), "fresh every time");
  }
}
