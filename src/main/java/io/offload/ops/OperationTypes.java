package io.offload.ops;

/**
 * Operation type numbers (a space of their own, apart from notification event types). Types
 * below {@link #FIRST_USER_TYPE} belong to the library.
 */
public final class OperationTypes {

  /** The offloaded alltoallv of {@link Collectives#alltoallv}. */
  public static final int ALLTOALLV = 1;
  /** The offloaded allgather of {@link Collectives#allgather}. */
  public static final int ALLGATHER = 2;
  /** First operation type available to users. */
  public static final int FIRST_USER_TYPE = 1024;

  private OperationTypes() {
  }

  /** A readable name for metrics and messages. */
  public static String name(int type) {
    return switch (type) {
      case ALLTOALLV -> "alltoallv";
      case ALLGATHER -> "allgather";
      default -> "type-" + type;
    };
  }
}
