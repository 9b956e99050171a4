package io.offload.memory;

/**
 * An access to a {@link PeerRegion} that its owner withdrew, or that went with its owner (peer
 * lost, context or engine closed). The message names the region and why it is gone. Nothing was
 * read or written.
 */
public final class RegionWithdrawnException extends IllegalStateException {

  public RegionWithdrawnException(String message) {
    super(message);
  }
}
