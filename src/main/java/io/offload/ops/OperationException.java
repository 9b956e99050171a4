package io.offload.ops;

/**
 * Why an operation failed, on the rank that submitted it (the future's cause) and on the
 * service process. {@link #reason()} says what happened in words; {@link #kind()} what kind of
 * failure it was.
 */
public final class OperationException extends RuntimeException {

  /** The kinds of failure. */
  public enum Kind {
    /** Refused before it started: no handler of the type, invalid arguments. */
    REJECTED,
    /** The handler (or one of the service processes it coordinates with) failed it. */
    FAILED,
    /** A rank taking part was lost. */
    RANK_LOST,
    /** A service process taking part was lost. */
    SERVICE_PROCESS_LOST,
    /** This side was closed first. */
    CLOSED
  }

  private final Kind kind;

  public OperationException(Kind kind, String reason) {
    super(reason);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The reason, in words. */
  public String reason() {
    return getMessage();
  }
}
