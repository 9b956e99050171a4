package io.offload.notify;

/**
 * Event type numbers. Types {@code 0..1023} are reserved for the library; users pick from
 * {@link #FIRST_USER_TYPE} up to {@link Integer#MAX_VALUE}.
 */
public final class EventTypes {

  /** First type number available to users. */
  public static final int FIRST_USER_TYPE = 1024;

  /** Bootstrap: one active message each way proves the UCX path. */
  public static final int BOOTSTRAP_PROBE = 1;
  /** Group cache: a batch of rank entries from a service process. */
  public static final int CACHE_ENTRIES = 16;
  /** Group cache: a group revoked. */
  public static final int CACHE_REVOKE = 17;
  /** Group cache: a whole group sent to a rank. */
  public static final int CACHE_GROUP = 18;
  /** Remote memory: a service process publishes a registered region. */
  public static final int MEMORY_REGION = 19;
  /** Group cache: a request for one entry not known yet (entries on demand). */
  public static final int CACHE_FETCH = 20;
  /** Job: a service process's counts of its job's ranks, and the job's end (mesh links). */
  public static final int JOB_STATUS = 21;
  /** Peer memory: a region exposed to a peer, its acknowledgement, refusal and withdrawal. */
  public static final int PEER_MEMORY = 22;
  /** Offloaded operations: a rank submits an operation to its service process. */
  public static final int OPERATION_SUBMIT = 24;
  /** Offloaded operations: the service process's completion (or failure) of one. */
  public static final int OPERATION_DONE = 25;
  /** Offloaded operations: a handler's message to its counterpart on another service process. */
  public static final int OPERATION_MESH = 26;
  /** Group cache: a request for ranks' worker addresses (rank-to-rank endpoints). */
  public static final int CACHE_ADDRESS_FETCH = 32;
  /** Group cache: ranks' worker addresses, the answer to {@link #CACHE_ADDRESS_FETCH}. */
  public static final int CACHE_ADDRESSES = 33;
  /** Group cache: the directory of service processes (where to reach each). */
  public static final int CACHE_DIRECTORY = 34;
  /** Group cache: a group cannot become whole, conflicting claims (service process to its ranks). */
  public static final int CACHE_CONFLICT = 35;

  private EventTypes() {
  }

  public static boolean isUserType(int type) {
    return type >= FIRST_USER_TYPE;
  }

  /** Throws unless {@code type} is a user type. */
  public static int checkUserType(int type) {
    if (!isUserType(type)) {
      throw new IllegalArgumentException("event type " + type + " is reserved for the library; user types start at "
          + FIRST_USER_TYPE);
    }
    return type;
  }
}
