package io.offload.bootstrap.impl;

import io.offload.bootstrap.ProtocolException;

/**
 * Checks a peer's UCX worker address before it reaches UCX.
 *
 * <p>UCX unpacks a worker address without a length and with always-on assertions: an address
 * whose header names a format version this UCX does not know aborts the whole process
 * ({@code ucp_address_unpack: Assertion `*addr_version == UCP_OBJECT_VERSION_V2' failed},
 * seen with UCX 1.13.1 on a 16-byte random address). The low 4 bits of the first byte are that
 * version; we accept only our own, which also turns a peer running an incompatible UCX into a
 * clear protocol error instead of a crash. Measured here (UCX 1.13.1, 34 tries): random bytes
 * behind a correct header, and real addresses with a few bytes changed, made UCX fail the
 * endpoint with an error ("Invalid parameter", "Destination is unreachable", "Shared memory
 * error"), never abort. (Random bytes can also decode to any IP address that UCX would then try
 * to reach: the tests only ever hand UCX addresses of dead local processes.)
 *
 * <p>What this cannot promise: UCX parses the rest of the address on trust, so a crafted
 * address may still harm the process. Only peers that passed the shared-secret challenge get
 * to send one when {@code ServerOptions.setSecret} is set: set it whenever untrusted processes
 * can reach the port.
 *
 * <p>Thread safety: stateless.
 */
final class WorkerAddresses {

  /** Header byte plus the 64-bit worker uuid: nothing shorter is a UCX address. */
  static final int MIN_LENGTH = 9;
  private static final int VERSION_MASK = 0x0F;

  private WorkerAddresses() {
  }

  /** Throws {@link ProtocolException} unless {@code peer} can be handed to UCX next to {@code own}. */
  static void check(byte[] peer, byte[] own, String frame) {
    if (peer.length < MIN_LENGTH) {
      throw new ProtocolException(frame + ": a worker address of " + peer.length + " bytes is too short for UCX (at least "
          + MIN_LENGTH + ")");
    }
    if (java.util.Arrays.equals(peer, own)) {
      throw new ProtocolException(frame + ": the peer sent this process's own worker address: nothing bootstraps "
          + "with itself");
    }
    int theirs = peer[0] & VERSION_MASK;
    int ours = own[0] & VERSION_MASK;
    if (theirs != ours) {
      throw new ProtocolException(frame + ": worker address format version " + theirs + " differs from this UCX's ("
          + ours + "): the peer runs an incompatible UCX, or sent garbage");
    }
  }
}
