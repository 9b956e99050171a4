package io.offload.job.impl;

import io.offload.context.Departure;
import io.offload.context.Role;
import io.offload.context.BootstrapPhase;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.context.impl.Transport;
import io.offload.job.Job;
import io.offload.job.JobStatus;
import io.offload.job.impl.JobMessages.Counts;
import io.offload.job.impl.JobMessages.Message;
import io.offload.notify.EventTypes;
import io.offload.notify.impl.NotificationService;
import io.offload.topology.RankInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An engine's part in a job ({@link Job}): its own ranks' counts, what its mesh peers said, and
 * the end of the job agreed over the mesh ({@link JobMessages}). Tracks peers from the engine's
 * creation, so that ranks that bootstrapped before {@code job(ranks)} was called count too.
 *
 * <p>Thread safety: the state lives on the engine's UCX progress thread ({@link #onUcx}); peer
 * events and {@link #start} may come from any thread; {@link Job#status()} reads a snapshot.
 */
public final class JobService {

  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
  private final String engineId;
  private final Vertx vertx;
  private final Transport transport;
  private final NotificationService<PeerImpl> notifications;
  private final long incarnation = new SecureRandom().nextLong();
  private final AtomicBoolean started = new AtomicBoolean();
  private final Promise<JobStatus> ended = Promise.promise();
  private volatile JobStatus snapshot;

  // ---- progress thread only
  private final JobCounts counts = new JobCounts();
  private final Map<PeerImpl, MeshPeer> mesh = new LinkedHashMap<>();
  private int ranks = -1;
  private long seq;
  private boolean flushScheduled;
  private boolean sizeWarned;
  /** Set once the job is over here. */
  private JobStatus finalStatus;
  private long overSeq = -1;
  /** Other service processes of the job (the mesh), and those that know it is over (acknowledged, or gone). */
  private int others;
  private final Set<Integer> told = new HashSet<>();

  private static final class MeshPeer {
    final int sp;
    /** Seq of this peer's latest OVER message, and whether we have answered one. */
    long lastOverSeq = -1;
    boolean answered;

    MeshPeer(int sp) {
      this.sp = sp;
    }
  }

  public JobService(String engineId, Vertx vertx, Transport transport) {
    this.engineId = engineId;
    this.vertx = vertx;
    this.transport = transport;
    this.notifications = transport.notifications();
    notifications.onInternal(EventTypes.JOB_STATUS, (p, n) -> {
      try {
        onMessage(p, JobMessages.decode(n.payload()));
      } catch (RuntimeException e) {
        LOG.warn("{}: dropped a job message from {}: {}", engineId, p, e.getMessage());
      }
    });
  }

  /** Runs {@code task} on the progress thread inside its Vert.x context (futures made there reuse it). */
  private void onUcx(Runnable task) {
    ContextInternal ctx = transport.ucx().context();
    transport.ucx().execute(() -> ctx.dispatch(task));
  }

  /** {@code OffloadEngine.job(ranks)}. */
  public Job start(int jobRanks, int serviceProcesses) {
    if (jobRanks < 1) {
      throw new IllegalArgumentException("a job has at least 1 rank, got " + jobRanks);
    }
    if (serviceProcesses < 1) {
      throw new IllegalArgumentException("a job has at least 1 service process (this one), got " + serviceProcesses);
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("engine " + engineId + " already serves a job");
    }
    snapshot = new JobStatus(jobRanks, 0, 0, 0, 0, false, -1);
    onUcx(() -> {
      ranks = jobRanks;
      others = serviceProcesses - 1;
      if (!evaluate()) {
        mesh.keySet().forEach(this::sendTo);
      }
    });
    return new JobHandle(jobRanks, () -> snapshot, vertx, ended.future());
  }

  /** A peer reached BOOTSTRAP_DONE (any thread). */
  public void peerReady(PeerImpl p) {
    onUcx(() -> {
      if (isRank(p)) {
        counts.rankReady(p);
        localChange();
      } else if (p.context().scope() == Scope.INTER_SERVICE) {
        int sp = remoteServiceProcess(p);
        if (sp >= 0) {
          mesh.putIfAbsent(p, new MeshPeer(sp)); // its first message may have come first (see meshPeer)
          if (ranks > 0) {
            sendTo(p); // what it missed, or that the job is over (its acknowledgement is awaited)
          }
        }
      }
    });
  }

  /** A peer is gone for good (any thread). */
  public void peerLost(PeerImpl p) {
    Departure how = p.departure().orElse(Departure.LOST);
    onUcx(() -> {
      if (isRank(p)) {
        if (counts.rankLeft(p, how)) {
          localChange();
        }
      } else {
        MeshPeer m = mesh.remove(p);
        if (m != null) {
          counts.linkLost(p); // its connected ranks count as lost, as its cache entries go
          if (finalStatus != null) {
            tell(m.sp); // ending too (its answer may be overtaken by its close), or dead: nothing more to tell
          }
          evaluate();
        }
      }
    });
  }

  /** The engine closes: whoever waits on the job learns where it stood. */
  public void close() {
    onUcx(() -> ended.tryComplete(finalStatus != null ? finalStatus : snapshot));
  }

  // ------------------------------------------------------------------ progress thread

  /**
   * The mesh peer {@code p} is. The other side may reach BOOTSTRAP_DONE first and send its status at
   * once, before our own BOOTSTRAP_DONE event has reached this thread: a mesh link that is already
   * up over UCX is taken as the mesh peer it is.
   */
  private MeshPeer meshPeer(PeerImpl p) {
    MeshPeer m = mesh.get(p);
    BootstrapPhase phase = p.phase();
    boolean linkUp = phase == BootstrapPhase.UCX_CONNECT_DONE || phase == BootstrapPhase.BOOTSTRAP_DONE;
    if (m == null && linkUp && !isRank(p) && p.context().scope() == Scope.INTER_SERVICE) {
      int sp = remoteServiceProcess(p);
      if (sp >= 0) {
        m = new MeshPeer(sp);
        mesh.put(p, m);
      }
    }
    return m;
  }

  private void onMessage(PeerImpl p, Message m) {
    MeshPeer from = meshPeer(p);
    if (from == null) {
      LOG.warn("{}: dropped a job message from {}: not a mesh link", engineId, p);
      return;
    }
    if (m.ranks() > 0 && !m.over()) {
      counts.reported(m.incarnation(), p, m.counts());
      if (ranks > 0 && m.ranks() != ranks && !sizeWarned) {
        sizeWarned = true;
        LOG.warn("{}: service process {} serves a job of {} ranks, this one of {}; counting both", engineId, from.sp,
            m.ranks(), ranks);
      }
    }
    if (overSeq >= 0 && m.ack() >= overSeq) {
      tell(from.sp);
    }
    if (m.over()) {
      from.lastOverSeq = m.seq();
      if (finalStatus == null && ranks > 0) {
        Counts t = m.counts();
        conclude(new JobStatus(ranks, t.bootstrapped(), t.finalized(), t.lost(), t.live(), true, from.sp));
      } else if (!from.answered) {
        sendTo(p); // the acknowledgement it waits for
      }
    } else {
      evaluate();
    }
  }

  private void localChange() {
    if (!evaluate() && ranks > 0 && !flushScheduled) {
      flushScheduled = true; // one status per burst of changes
      onUcx(() -> {
        flushScheduled = false;
        if (finalStatus == null) {
          mesh.keySet().forEach(this::sendTo);
        }
      });
    }
  }

  /** Updates the snapshot; concludes when the counts say the job is over. Returns true once over. */
  private boolean evaluate() {
    if (finalStatus != null) {
      return true;
    }
    if (ranks <= 0) {
      return false;
    }
    Counts t = counts.totals();
    snapshot = new JobStatus(ranks, t.bootstrapped(), t.finalized(), t.lost(), t.live(), false, -1);
    if (t.bootstrapped() >= ranks && t.live() == 0) {
      conclude(new JobStatus(ranks, t.bootstrapped(), t.finalized(), t.lost(), 0, true, -1));
      return true;
    }
    return false;
  }

  private void conclude(JobStatus status) {
    finalStatus = status;
    snapshot = status;
    LOG.info("{}: job over: {}", engineId, status);
    overSeq = seq + 1;
    new ArrayList<>(mesh.keySet()).forEach(this::sendTo);
    if (told.size() >= others) {
      ended.tryComplete(finalStatus);
    } else {
      vertx.setTimer(Job.ACK_TIMEOUT_MS, id -> onUcx(() -> {
        if (!ended.future().isComplete()) {
          LOG.warn("{}: job over, but {} of {} other service process(es) did not acknowledge within {} ms", engineId,
              others - told.size(), others, Job.ACK_TIMEOUT_MS);
          ended.tryComplete(finalStatus);
        }
      }));
    }
  }

  /** Service process {@code sp} knows the job is over (or is gone); once all do, {@link Job#over()} completes. */
  private void tell(int sp) {
    if (told.add(sp) && told.size() >= others) {
      ended.tryComplete(finalStatus);
    }
  }

  /** Our status (or, once over, the job's totals) to one mesh peer, answering its OVER if it sent one. */
  private void sendTo(PeerImpl p) {
    MeshPeer m = mesh.get(p);
    boolean over = finalStatus != null;
    Counts c = over ? new Counts(finalStatus.bootstrapped(), finalStatus.finalized(), finalStatus.lost(),
        finalStatus.live()) : counts.own();
    if (over && m.lastOverSeq >= 0) {
      m.answered = true;
    }
    notifications.send(p.channel(), EventTypes.JOB_STATUS, JobMessages.encode(over ? JobMessages.OVER : 0, ranks,
            incarnation, ++seq, m.lastOverSeq, c))
        .onFailure(e -> LOG.debug("{}: job message to {} failed: {}", engineId, p, e.getMessage()));
  }

  private static boolean isRank(PeerImpl p) {
    return p.context().scope() == Scope.HOST_SERVICE && p.context().role() == Role.SERVER;
  }

  /** The global id of the service process on the other side of a mesh link, or -1. */
  private static int remoteServiceProcess(PeerImpl p) {
    if (p.context().role() == Role.CLIENT) {
      return p.serviceProcessId();
    }
    RankInfo ri = p.rank();
    return ri == null ? -1 : ri.rank(); // on mesh links the rank field carries the global id
  }
}
