package io.offload;

import io.offload.examples.HelloNotification;
import io.offload.examples.SelfNotifications;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The programs in examples/ are compiled with the tests and run here. */
class ExamplesTest {

  @Test
  void helloNotification() throws Exception {
    assertEquals("hello rank 3, I am your service process", HelloNotification.run());
  }

  @Test
  void selfNotifications() throws Exception {
    assertEquals(List.of("tick 1", "tick 2", "tick 3"), SelfNotifications.run());
  }
}
