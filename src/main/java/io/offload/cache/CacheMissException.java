package io.offload.cache;

import java.util.NoSuchElementException;

/** A cache lookup found no entry; the message says which and why (unknown group, rank not yet known, ...). */
public final class CacheMissException extends NoSuchElementException {

  public CacheMissException(String message) {
    super(message);
  }
}
