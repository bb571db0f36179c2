package dev.meridian.core.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.core.failover.FailoverCommand.Abandon;
import dev.meridian.core.failover.FailoverCommand.ArmHedge;
import dev.meridian.core.failover.FailoverCommand.Cancel;
import dev.meridian.core.failover.FailoverCommand.Commit;
import dev.meridian.core.failover.FailoverCommand.EndStream;
import dev.meridian.core.failover.FailoverCommand.Fail;
import dev.meridian.core.failover.FailoverCommand.LateFailure;
import dev.meridian.core.failover.FailoverCommand.Settle;
import dev.meridian.core.failover.FailoverCommand.Start;
import dev.meridian.core.failover.FailoverMachine.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Transition by transition: each event's commands, in order, from a known state. */
class FailoverMachineTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  private static FailoverMachine<String> machine(List<String> candidates, int maxAttempts, boolean hedge,
      Set<String> refused, BooleanSupplier budget) {
    return new FailoverMachine<>(candidates, new FailoverMachine.Options("m", maxAttempts, hedge, 20_000, 300_000),
        endpoint -> refused.contains(endpoint) ? null : "ticket-" + endpoint, budget);
  }

  private static FailoverMachine<String> machine() {
    return machine(ABC, 3, false, Set.of(), () -> true);
  }

  /** The commands as short strings: "start a#1", "settle a FIRST_BYTE", "fail 502 upstream_error" ... */
  private static List<String> shape(List<FailoverCommand> commands) {
    List<String> out = new ArrayList<>();
    for (FailoverCommand command : commands) {
      out.add(describe(command));
    }
    return out;
  }

  private static String describe(FailoverCommand command) {
    if (command instanceof Start s) {
      return "start " + s.attempt().endpoint() + "#" + s.attempt().number() + (s.attempt().hedge() ? " hedge" : "");
    } else if (command instanceof ArmHedge) {
      return "arm hedge";
    } else if (command instanceof Cancel c) {
      return "cancel " + c.attempt().endpoint();
    } else if (command instanceof Settle s) {
      return "settle " + s.attempt().endpoint() + " " + s.outcome();
    } else if (command instanceof LateFailure l) {
      return "late failure " + l.attempt().endpoint();
    } else if (command instanceof Commit c) {
      return "commit " + c.attempt().endpoint();
    } else if (command instanceof Fail f) {
      return "fail " + f.error().status() + " " + f.outcome() + (f.retryAfterSeconds() >= 0 ? " retry-after " + f.retryAfterSeconds() : "");
    } else if (command instanceof EndStream e) {
      return "end stream " + e.error().code() + " " + e.outcome();
    } else if (command instanceof Abandon) {
      return "abandon";
    }
    throw new AssertionError(command);
  }

  private static Attempt started(List<FailoverCommand> commands) {
    for (FailoverCommand command : commands) {
      if (command instanceof Start start) {
        return start.attempt();
      }
    }
    throw new AssertionError("no attempt started in " + shape(commands));
  }

  @Test
  void firstAttemptWinsAndCompletes() {
    FailoverMachine<String> m = machine();
    List<FailoverCommand> start = m.start();
    assertEquals(List.of("start a#1"), shape(start));
    Attempt a = started(start);
    assertEquals(List.of("settle a FIRST_BYTE", "commit a"), shape(m.onAnswer(a, AttemptOutcome.FIRST_BYTE)));
    assertEquals(FailoverMachine.State.COMMITTED, m.state());
    assertEquals(List.of(), shape(m.onCompleted(a)));
    assertEquals(FailoverMachine.State.DONE, m.state());
    assertEquals("a", m.servingEndpoint());
    assertTrue(!m.servedByFallback() && m.failures().isEmpty() && m.attempts() == 1);
  }

  @ParameterizedTest
  @EnumSource(value = AttemptOutcome.class, names = {"CONNECT_FAILED", "FIRST_BYTE_TIMEOUT", "SERVER_ERROR", "ENDPOINT_REJECTED", "EMPTY_ANSWER"})
  void aFailureBeforeTheAnswerMovesToTheNextCandidate(AttemptOutcome outcome) {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    List<FailoverCommand> next = m.onFailed(a, outcome, "why", 0);
    assertEquals(List.of("cancel a", "settle a " + outcome, "start b#2"), shape(next));
    Attempt b = started(next);
    m.onAnswer(b, AttemptOutcome.FIRST_BYTE);
    assertTrue(m.servedByFallback());
    assertEquals(List.of(new FailoverMachine.Failure<>("a", outcome)), m.failures());
  }

  @Test
  void everyCandidateFailingAnswers502NamingTheLastFailure() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    Attempt b = started(m.onFailed(a, AttemptOutcome.SERVER_ERROR, "HTTP 500", 0));
    Attempt c = started(m.onFailed(b, AttemptOutcome.CONNECT_FAILED, "refused", 0));
    List<FailoverCommand> last = m.onFailed(c, AttemptOutcome.SERVER_ERROR, "HTTP 503", 0);
    assertEquals(List.of("cancel c", "settle c SERVER_ERROR", "fail 502 upstream_error"), shape(last));
    assertTrue(((Fail) last.get(2)).error().message().contains("c: HTTP 503"));
    assertEquals(FailoverMachine.State.DONE, m.state());
  }

  @Test
  void a429OnEveryCandidateAnswers429WithTheShortestWait() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    Attempt b = started(m.onFailed(a, AttemptOutcome.RATE_LIMITED, "HTTP 429", 30_000));
    Attempt c = started(m.onFailed(b, AttemptOutcome.RATE_LIMITED, "HTTP 429", 1_500));
    List<FailoverCommand> last = m.onFailed(c, AttemptOutcome.RATE_LIMITED, "HTTP 429", 60_000);
    assertEquals(List.of("cancel c", "settle c RATE_LIMITED", "fail 429 rate_limited retry-after 2"), shape(last));
  }

  @Test
  void a429AmongOtherFailuresIsNotAClientRateLimit() {
    FailoverMachine<String> m = machine(List.of("a", "b"), 3, false, Set.of(), () -> true);
    Attempt a = started(m.start());
    Attempt b = started(m.onFailed(a, AttemptOutcome.RATE_LIMITED, "HTTP 429", 1_000));
    assertEquals(List.of("cancel b", "settle b SERVER_ERROR", "fail 502 upstream_error"),
        shape(m.onFailed(b, AttemptOutcome.SERVER_ERROR, "HTTP 500", 0)));
  }

  @Test
  void aTimeoutAsTheLastFailureAnswers504() {
    FailoverMachine<String> m = machine(List.of("a"), 3, false, Set.of(), () -> true);
    Attempt a = started(m.start());
    assertEquals(List.of("cancel a", "settle a FIRST_BYTE_TIMEOUT", "fail 504 timeout"),
        shape(m.onFailed(a, AttemptOutcome.FIRST_BYTE_TIMEOUT, "no first byte", 0)));
  }

  @Test
  void blockedCandidatesAreSkippedAndNoneLeftIs503() {
    assertEquals(List.of("start c#1"), shape(machine(ABC, 3, false, Set.of("a", "b"), () -> true).start()));
    assertEquals(List.of("fail 503 no_route"), shape(machine(ABC, 3, false, Set.of("a", "b", "c"), () -> true).start()));
  }

  @Test
  void maxAttemptsCapsTheTries() {
    FailoverMachine<String> m = machine(ABC, 2, false, Set.of(), () -> true);
    Attempt a = started(m.start());
    Attempt b = started(m.onFailed(a, AttemptOutcome.SERVER_ERROR, "x", 0));
    assertEquals(List.of("cancel b", "settle b SERVER_ERROR", "fail 502 upstream_error"),
        shape(m.onFailed(b, AttemptOutcome.SERVER_ERROR, "x", 0)));
    assertEquals(2, m.attempts());
  }

  @Test
  void theRetryBudgetRunningOutReleasesTheAdmittedTicketNeutrally() {
    int[] allowed = {1};
    FailoverMachine<String> m = machine(ABC, 3, false, Set.of(), () -> allowed[0]-- > 0);
    Attempt a = started(m.start());
    Attempt b = started(m.onFailed(a, AttemptOutcome.SERVER_ERROR, "x", 0));
    List<FailoverCommand> out = m.onFailed(b, AttemptOutcome.SERVER_ERROR, "x", 0);
    assertEquals(List.of("cancel b", "settle b SERVER_ERROR", "settle c BUDGET_REFUSED", "fail 502 upstream_error"), shape(out));
    assertEquals("ticket-c", ((Settle) out.get(2)).attempt().ticket());
    assertTrue(((Fail) out.get(3)).error().message().contains("retry budget exhausted"));
    assertEquals(1, m.retriesDenied());
    assertEquals(2, m.attempts());
  }

  @Test
  void theFirstAttemptNeverAsksTheRetryBudget() {
    FailoverMachine<String> m = machine(ABC, 3, false, Set.of(), () -> {
      throw new AssertionError("asked");
    });
    assertEquals(List.of("start a#1"), shape(m.start()));
  }

  @Test
  void aClientErrorIsRelayedAndCountsAsHealth() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    assertEquals(List.of("settle a CLIENT_ERROR", "commit a"), shape(m.onAnswer(a, AttemptOutcome.CLIENT_ERROR)));
    assertEquals(BreakerEffect.SUCCESS, AttemptOutcome.CLIENT_ERROR.breaker());
  }

  @Test
  void hedgeTimerStartsASecondAttemptAndTheFirstByteWins() {
    FailoverMachine<String> m = machine(ABC, 3, true, Set.of(), () -> true);
    List<FailoverCommand> start = m.start();
    assertEquals(List.of("start a#1", "arm hedge"), shape(start));
    Attempt a = started(start);
    List<FailoverCommand> hedge = m.onHedgeTimer();
    assertEquals(List.of("start b#2 hedge"), shape(hedge));
    Attempt b = started(hedge);
    assertTrue(m.hedged());
    assertEquals(List.of("settle b FIRST_BYTE", "cancel a", "settle a LOST_HEDGE", "commit b"),
        shape(m.onAnswer(b, AttemptOutcome.FIRST_BYTE)));
    // The loser's late callbacks change nothing.
    assertEquals(List.of(), shape(m.onAnswer(a, AttemptOutcome.FIRST_BYTE)));
    assertEquals(List.of(), shape(m.onFailed(a, AttemptOutcome.SERVER_ERROR, "late", 0)));
    assertSame(b, m.winner());
  }

  @Test
  void hedgesRacingToFailLeaveTheOtherRunningThenMoveOn() {
    FailoverMachine<String> m = machine(ABC, 3, true, Set.of(), () -> true);
    Attempt a = started(m.start());
    Attempt b = started(m.onHedgeTimer());
    // One fails while the other still runs: nothing new starts.
    assertEquals(List.of("cancel a", "settle a SERVER_ERROR"), shape(m.onFailed(a, AttemptOutcome.SERVER_ERROR, "x", 0)));
    // A second hedge timer with one left in flight would hedge again: only while exactly one runs.
    assertEquals(List.of("cancel b", "settle b CONNECT_FAILED", "start c#3"), shape(m.onFailed(b, AttemptOutcome.CONNECT_FAILED, "x", 0)));
  }

  @Test
  void theHedgeTimerDoesNothingOnceCommittedOrWithTwoInFlight() {
    FailoverMachine<String> m = machine(ABC, 3, true, Set.of(), () -> true);
    Attempt a = started(m.start());
    m.onHedgeTimer();
    assertEquals(List.of(), shape(m.onHedgeTimer()));
    FailoverMachine<String> committed = machine(ABC, 3, true, Set.of(), () -> true);
    Attempt first = started(committed.start());
    committed.onAnswer(first, AttemptOutcome.FIRST_BYTE);
    assertEquals(List.of(), shape(committed.onHedgeTimer()));
    assertNull(m.winner());
    assertSame(a, started(List.of(new Start(a))));
  }

  @Test
  void aBrokenCommittedStreamEndsWithAnErrorEventAndALateFailure() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    m.onAnswer(a, AttemptOutcome.FIRST_BYTE);
    assertEquals(List.of("cancel a", "late failure a", "end stream upstream_stream_error stream_broken"),
        shape(m.onStreamBroken(a, "broke")));
    assertEquals(List.of(new FailoverMachine.Failure<>("a", AttemptOutcome.STREAM_BROKEN)), m.failures());
    assertEquals(List.of(), shape(m.onDeadline()));
  }

  @Test
  void theDeadlineBeforeAnyAnswerFailsEveryAttemptAgainstItsEndpoint() {
    FailoverMachine<String> m = machine(ABC, 3, true, Set.of(), () -> true);
    m.start();
    m.onHedgeTimer();
    assertEquals(List.of("cancel a", "settle a REQUEST_DEADLINE", "cancel b", "settle b REQUEST_DEADLINE", "fail 504 timeout"),
        shape(m.onDeadline()));
    assertEquals(2, m.failures().size());
  }

  @Test
  void theDeadlineDuringAStreamEndsItWithoutBlamingTheEndpoint() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    m.onAnswer(a, AttemptOutcome.FIRST_BYTE);
    assertEquals(List.of("cancel a", "end stream upstream_timeout timeout"), shape(m.onDeadline()));
  }

  @Test
  void theClientLeavingWhileRoutingCancelsNeutrally() {
    FailoverMachine<String> m = machine(ABC, 3, true, Set.of(), () -> true);
    m.start();
    m.onHedgeTimer();
    assertEquals(List.of("cancel a", "settle a CLIENT_GONE", "cancel b", "settle b CLIENT_GONE", "abandon"), shape(m.onClientGone()));
    assertEquals(BreakerEffect.NEUTRAL, AttemptOutcome.CLIENT_GONE.breaker());
  }

  @Test
  void theClientLeavingMidStreamCancelsTheWinnerWithoutSettlingAgain() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    m.onAnswer(a, AttemptOutcome.FIRST_BYTE);
    assertEquals(List.of("cancel a", "abandon"), shape(m.onClientGone()));
  }

  @Test
  void theClientLeavingAfterTheEndOrTwiceChangesNothing() {
    FailoverMachine<String> m = machine();
    Attempt a = started(m.start());
    m.onAnswer(a, AttemptOutcome.FIRST_BYTE);
    m.onCompleted(a);
    assertEquals(List.of(), shape(m.onClientGone()));
    FailoverMachine<String> gone = machine();
    gone.start();
    gone.onClientGone();
    assertEquals(List.of(), shape(gone.onClientGone()));
    assertEquals(List.of(), shape(gone.onDeadline()));
  }

  @Test
  void everyOutcomeThatMovesOnIsAnUpstreamErrorWithALabel() {
    for (AttemptOutcome outcome : AttemptOutcome.values()) {
      if (outcome.tryNext()) {
        assertTrue(outcome.errorKind() != null, outcome + " moves on, so it is an upstream error");
      }
    }
    assertEquals(AttemptOutcome.RATE_LIMITED, AttemptOutcome.ofStatus(429));
    assertEquals(AttemptOutcome.SERVER_ERROR, AttemptOutcome.ofStatus(503));
    assertEquals(AttemptOutcome.ENDPOINT_REJECTED, AttemptOutcome.ofStatus(401));
    assertEquals(AttemptOutcome.ENDPOINT_REJECTED, AttemptOutcome.ofStatus(408));
    assertEquals(AttemptOutcome.CLIENT_ERROR, AttemptOutcome.ofStatus(400));
    assertEquals(AttemptOutcome.CLIENT_ERROR, AttemptOutcome.ofStatus(422));
  }
}
