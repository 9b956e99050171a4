package io.offload.ucx.impl;


import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress agent stepped by hand (an AgentInvoker, no thread), on real UCX workers. */
class ProgressAgentTest {

  @Test
  void shouldRunQueuedTasksInOrderOnePassAtATimeAndCountThem() throws Exception {
    ProgressTasks tasks = new ProgressTasks();
    List<String> ran = new ArrayList<>();
    ProgressAgent agent = new ProgressAgent("test", tasks, () -> ran.add("start"), () -> ran.add("close"));
    AgentInvoker invoker = new AgentInvoker(Throwable::printStackTrace, null, agent);
    invoker.start();
    Thread other = new Thread(() -> {
      tasks.offerRemote(() -> ran.add("remote-1"));
      tasks.offerRemote(() -> ran.add("remote-2"));
    });
    other.start();
    other.join();
    tasks.offerLocal(() -> {
      ran.add("local");
      tasks.offerLocal(() -> ran.add("queued by a task")); // waits for the next pass
    });
    assertEquals(3, invoker.invoke());
    assertEquals(List.of("start", "remote-1", "remote-2", "local"), ran);
    assertEquals(1, invoker.invoke());
    assertEquals(0, invoker.invoke(), "nothing left: an idle pass");
    assertEquals("queued by a task", ran.get(4));
    agent.requestStop();
    invoker.invoke();
    assertTrue(invoker.isClosed(), "a stop request ends the agent at its next pass");
    assertEquals("close", ran.get(ran.size() - 1));
  }

  @Test
  void shouldDeliverActiveMessagesBetweenTwoWorkersSteppedFromOneThread() {
    try (UcpContext ctx = new UcpContext(new UcpParams().requestAmFeature())) {
      UcpWorker a = ctx.newWorker(new UcpWorkerParams());
      UcpWorker b = ctx.newWorker(new UcpWorkerParams());
      ProgressTasks tasksA = new ProgressTasks();
      ProgressAgent agentA = new ProgressAgent("a", tasksA, () -> { }, () -> { });
      ProgressAgent agentB = new ProgressAgent("b", new ProgressTasks(), () -> { }, () -> { });
      agentA.attach(a, null);
      agentB.attach(b, null);
      AgentInvoker ia = new AgentInvoker(Throwable::printStackTrace, null, agentA);
      AgentInvoker ib = new AgentInvoker(Throwable::printStackTrace, null, agentB);
      ia.start();
      ib.start();
      int[] got = {0};
      b.setAmRecvHandler(3, (h, hl, d, ep) -> {
        got[0]++;
        return UcsConstants.STATUS.UCS_OK;
      }, UcpConstants.UCP_AM_FLAG_WHOLE_MSG);
      UcpEndpoint ab = a.newEndpoint(new UcpEndpointParams().setUcpAddress(b.getAddress()));
      ByteBuffer data = ByteBuffer.allocateDirect(8);
      // a send posted by a task of a's agent: the agent runs it, then progresses
      tasksA.offerRemote(() -> ab.sendAmNonBlocking(3, 0, 0, UcxUtils.getAddress(data), 8, 0, new UcxCallback()));
      for (int i = 0; i < 10_000 && got[0] == 0; i++) {
        ia.invoke();
        ib.invoke();
      }
      assertEquals(1, got[0], "the arrival came through b's agent passes");
      assertFalse(ib.isClosed());
      ab.closeNonBlockingFlush();
      for (int i = 0; i < 100; i++) {
        ia.invoke();
        ib.invoke();
      }
      a.close();
      b.close();
    }
  }

  @Test
  void shouldEndWithATerminationWhenStopped() {
    ProgressAgent agent = new ProgressAgent("t", new ProgressTasks(), () -> { }, () -> { });
    agent.requestStop();
    try {
      agent.doWork();
    } catch (AgentTerminationException expected) {
      return;
    }
    throw new AssertionError("no termination");
  }
}
