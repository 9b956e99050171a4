package io.offload.bootstrap.impl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Challenge-response proof of a shared secret: the server sends a random nonce, the client
 * answers HMAC-SHA256(secret, domain || nonce). The secret itself never crosses the wire.
 */
final class Auth {

  static final int NONCE_LENGTH = 32;
  static final int MAC_LENGTH = 32;
  private static final byte[] DOMAIN = "offload-contexts oob v1".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Auth() {
  }

  static byte[] nonce() {
    byte[] n = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(n);
    return n;
  }

  static byte[] respond(String secret, byte[] nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(DOMAIN);
      return mac.doFinal(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Constant-time check of a client's answer. */
  static boolean verify(String secret, byte[] nonce, byte[] answer) {
    return MessageDigest.isEqual(respond(secret, nonce), answer);
  }
}
