package dev.meridian.core.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.core.failover.BreakerStateMachine.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakerStateMachineTest {
  private final long[] now = {1_000_000};
  private final List<String> transitions = new ArrayList<>();
  /** 5 failures within 10 s, or 50% of the last 20 calls (at least 10), 5 s cool-down. */
  private final BreakerStateMachine breaker =
      new BreakerStateMachine(new BreakerStateMachine.Options(5, 10_000, 5_000, 20, 10, 0.5), () -> now[0],
          (from, to) -> transitions.add(from + "->" + to));

  private void settle(BreakerEffect effect, int times) {
    for (int i = 0; i < times; i++) {
      BreakerStateMachine.Ticket ticket = breaker.admit();
      assertNotNull(ticket, "admitted while " + breaker.state());
      ticket.settle(effect);
    }
  }

  private void openIt() {
    settle(BreakerEffect.FAILURE, 5);
    assertEquals(State.OPEN, breaker.state());
  }

  @Test
  void failuresInARowWithinTheWindowTrip() {
    settle(BreakerEffect.FAILURE, 4);
    assertEquals(State.CLOSED, breaker.state());
    settle(BreakerEffect.FAILURE, 1);
    assertEquals(State.OPEN, breaker.state());
    assertNull(breaker.admit());
    assertEquals(List.of("CLOSED->OPEN"), transitions);
  }

  @Test
  void neutralOutcomesBetweenFailuresDoNotResetTheCount() {
    // With Vert.x's breaker each neutral completion reset the count and this never tripped.
    for (int i = 0; i < 4; i++) {
      settle(BreakerEffect.FAILURE, 1);
      settle(BreakerEffect.NEUTRAL, 2);
    }
    assertEquals(State.CLOSED, breaker.state());
    settle(BreakerEffect.FAILURE, 1);
    assertEquals(State.OPEN, breaker.state());
  }

  @Test
  void aSuccessResetsTheCount() {
    settle(BreakerEffect.FAILURE, 4);
    settle(BreakerEffect.SUCCESS, 1);
    settle(BreakerEffect.FAILURE, 4);
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() {
    settle(BreakerEffect.FAILURE, 4);
    now[0] += 10_001;
    settle(BreakerEffect.FAILURE, 1);
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void theFailureRateTripsToo() {
    // Alternating: never 5 in a row, but half of the calls fail once 10 are in.
    for (int i = 0; i < 4; i++) {
      settle(BreakerEffect.SUCCESS, 1);
      settle(BreakerEffect.FAILURE, 1);
    }
    settle(BreakerEffect.SUCCESS, 1);
    assertEquals(State.CLOSED, breaker.state(), "9 calls: under the minimum");
    settle(BreakerEffect.FAILURE, 1);
    assertEquals(State.OPEN, breaker.state());
  }

  @Test
  void afterTheCoolDownOneTrialIsLetThrough() {
    openIt();
    now[0] += 4_999;
    assertNull(breaker.admit());
    now[0] += 1;
    BreakerStateMachine.Ticket trial = breaker.admit();
    assertNotNull(trial);
    assertTrue(trial.trial());
    assertEquals(State.HALF_OPEN, breaker.state());
    assertNull(breaker.admit(), "only one trial at a time");
    trial.settle(BreakerEffect.SUCCESS);
    assertEquals(State.CLOSED, breaker.state());
    assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
  }

  @Test
  void aFailedTrialOpensAgainForAFullCoolDown() {
    openIt();
    now[0] += 5_000;
    breaker.admit().settle(BreakerEffect.FAILURE);
    assertEquals(State.OPEN, breaker.state());
    assertEquals(5_000, breaker.remainingCoolDownMs());
  }

  @Test
  void aNeutralTrialLeavesTheBreakerHalfOpenAndTheNextRequestIsTheTrial() {
    openIt();
    now[0] += 5_000;
    BreakerStateMachine.Ticket trial = breaker.admit();
    trial.settle(BreakerEffect.NEUTRAL);
    assertEquals(State.HALF_OPEN, breaker.state(), "a 429 or a lost hedge proves nothing");
    BreakerStateMachine.Ticket next = breaker.admit();
    assertNotNull(next);
    assertTrue(next.trial());
  }

  @Test
  void aTicketSettlesOnce() {
    BreakerStateMachine.Ticket ticket = breaker.admit();
    ticket.settle(BreakerEffect.SUCCESS);
    for (int i = 0; i < 5; i++) {
      ticket.settle(BreakerEffect.FAILURE);
    }
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void aLateAnswerFromBeforeTheTripDoesNotCloseIt() {
    BreakerStateMachine.Ticket early = breaker.admit();
    openIt();
    early.settle(BreakerEffect.SUCCESS);
    assertEquals(State.OPEN, breaker.state());
  }

  @Test
  void lateFailuresCountForTheRate() {
    settle(BreakerEffect.SUCCESS, 5);
    for (int i = 0; i < 5; i++) {
      breaker.recordLateFailure();
    }
    assertEquals(State.OPEN, breaker.state());
  }
}
