package io.offload.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo's launch window, driven by hand: each rank gives its place back once. */
class LaunchWindowTest {

  @Test
  void aRankThatComesUpAndLaterExitsGivesItsPlaceBackOnce() throws Exception {
    LaunchWindow window = new LaunchWindow(2);
    AtomicBoolean first = window.enter(0);
    AtomicBoolean second = window.enter(0);
    assertEquals(0, window.free());
    window.up(); // the first is up: its place is free
    assertEquals(1, window.free());
    window.exited(first); // it exits later: no second place
    assertEquals(1, window.free(), "an up rank that exits must not widen the window");
    window.exited(second); // the second exits without coming up
    assertEquals(2, window.free());
    window.up(); // a late up with no place held frees nothing
    assertEquals(2, window.free());
  }

  @Test
  void aRankStartedWithoutAPlaceGivesNothingBack() throws Exception {
    LaunchWindow window = new LaunchWindow(1);
    window.enter(0);
    AtomicBoolean late = window.enter(0); // none free in time: starts anyway
    window.exited(late);
    assertEquals(0, window.free());
  }
}
