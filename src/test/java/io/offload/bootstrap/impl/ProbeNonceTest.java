package io.offload.bootstrap.impl;


import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.engine.impl.EngineImpl;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine recognizes its own probes and no other engine's, also within one JVM. */
class ProbeNonceTest {

  @Test
  void shouldRecognizeOnlyItsOwnProbes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EngineImpl a = (EngineImpl) OffloadEngine.create(vertx, new EngineOptions().setName("nonce-a")).await(30, TimeUnit.SECONDS);
      EngineImpl b = (EngineImpl) OffloadEngine.create(vertx, new EngineOptions().setName("nonce-b")).await(30, TimeUnit.SECONDS);
      byte[] p = ProbeNonce.issue(a);
      assertEquals(ProbeNonce.LENGTH, p.length);
      assertTrue(ProbeNonce.isOwn(a, p));
      assertFalse(ProbeNonce.isOwn(b, p), "another engine of the same JVM is a legitimate peer");
      byte[] tampered = p.clone();
      tampered[3] ^= 1;
      assertFalse(ProbeNonce.isOwn(a, tampered));
      assertFalse(ProbeNonce.isOwn(a, new byte[0]));
      assertFalse(java.util.Arrays.equals(p, ProbeNonce.issue(a)), "fresh every time");
      a.close().await(30, TimeUnit.SECONDS);
      b.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
