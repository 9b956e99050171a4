package io.offload.ucx;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UcxStartupTest {

  @Test
  void shouldAddTheMeasuredSettingsToAChildsEnvironmentButKeepTheUsersOwn() {
    Map<String, String> env = UcxStartup.tune(new HashMap<>());
    assertEquals("64", env.get("UCX_POSIX_RX_BUFS_GROW"));
    assertEquals("64", env.get("UCX_SYSV_RX_BUFS_GROW"));
    assertEquals("error", env.get("UCX_LOG_LEVEL"));
    Map<String, String> mine = UcxStartup.tune(new HashMap<>(Map.of("UCX_POSIX_RX_BUFS_GROW", "512")));
    assertEquals("512", mine.get("UCX_POSIX_RX_BUFS_GROW"), "the user's value is kept");
    assertEquals("64", mine.get("UCX_SYSV_RX_BUFS_GROW"));
  }
}
