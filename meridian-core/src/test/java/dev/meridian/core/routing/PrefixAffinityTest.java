package dev.meridian.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Endpoint;
import dev.meridian.core.catalog.ModelSpec;
import dev.meridian.core.catalog.Provider;
import dev.meridian.core.catalog.Tier;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrefixAffinityTest {
  static final Provider PROVIDER = new Provider("p", null, null, Map.of("us-east", "http://x/v1"));

  static Endpoint endpoint(String model, double outputPrice) {
    ModelSpec spec = new ModelSpec(model, model, "p", "f", Tier.BUDGET, Set.of(), 128_000, 0.1, outputPrice,
        List.of("us-east"), 500, 50);
    return new Endpoint(spec, PROVIDER, "us-east", "http://x/v1");
  }

  static Candidate measured(String model, double ttftMs) {
    return new Candidate(endpoint(model, 1.0), ttftMs, true, ttftMs, 0);
  }

  static RoutePlan plan(Candidate... candidates) {
    return new RoutePlan("budget", List.of(candidates), "tier=budget");
  }

  static PromptPrefix prefix(int i) {
    return new PromptPrefix(PromptPrefix.finish(i * 0x9E3779B97F4A7C15L + 17), 10_000);
  }

  static String chosen(RoutePlan plan, PromptPrefix prefix) {
    return PrefixAffinity.apply(plan, prefix, PrefixAffinity.Options.DEFAULT).plan().primary().endpoint().id();
  }

  @Test
  void aPrefixGoesToTheSameEndpointWhateverTheOrderOfItsEqualAlternatives() {
    Candidate a = measured("a", 300);
    Candidate b = measured("b", 310);
    Candidate c = measured("c", 320);
    for (int i = 0; i < 200; i++) {
      assertThat(chosen(plan(a, b, c), prefix(i))).isEqualTo(chosen(plan(a, c, b), prefix(i)));
    }
  }

  @Test
  void prefixesSpreadOverTheAlternativesAndStayPutWhenAnotherEndpointLeaves() {
    Candidate a = measured("a", 300);
    Candidate b = measured("b", 310);
    Candidate c = measured("c", 320);
    Map<String, Integer> share = new HashMap<>();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      String id = chosen(plan(a, b, c), prefix(i));
      before.add(id);
      share.merge(id, 1, Integer::sum);
    }
    assertThat(share).hasSize(3);
    assertThat(share.values()).allMatch(n -> n > 800);
    // c leaves (unhealthy, blocked): only the prefixes that were on c move.
    int moved = 0;
    for (int i = 0; i < 3_000; i++) {
      String now = chosen(plan(a, b), prefix(i));
      if (!before.get(i).equals("c@us-east")) {
        assertThat(now).isEqualTo(before.get(i));
      } else {
        moved++;
      }
    }
    assertThat(moved).isEqualTo(share.get("c@us-east"));
  }

  @Test
  void onlyCandidatesWithinTheToleranceOfTheFirstAreEligible() {
    // Tolerance: the larger of 20 % and 50 ms of the first's 300 ms, so up to 360 ms.
    Candidate first = measured("a", 300);
    Candidate inside = measured("b", 360);
    Candidate outside = measured("c", 361);
    assertThat(PrefixAffinity.eligibleCount(List.of(first, inside, outside), PrefixAffinity.Options.DEFAULT)).isEqualTo(2);
    Candidate fast = measured("a", 100);
    Candidate within50 = measured("b", 150);
    Candidate beyond = measured("c", 151);
    assertThat(PrefixAffinity.eligibleCount(List.of(fast, within50, beyond), PrefixAffinity.Options.DEFAULT)).isEqualTo(2);
    for (int i = 0; i < 500; i++) {
      assertThat(chosen(plan(first, inside, outside), prefix(i))).isNotEqualTo("c@us-east");
    }
  }

  @Test
  void neverAnUnmeasuredDearerOtherStepOrTooSlowCandidate() {
    Candidate first = measured("a", 300);
    Candidate unmeasured = new Candidate(endpoint("u", 1.0), 300, false, 300, 0);
    Candidate dearer = new Candidate(endpoint("d", 2.0), 300, true, 300, 0);
    Candidate nextStep = new Candidate(endpoint("n", 1.0), 300, true, 300, 1);
    Candidate tooSlow = new Candidate(endpoint("s", 1.0), 300, true, 300, Candidate.NO_GROUP);
    for (Candidate other : List.of(unmeasured, dearer, nextStep, tooSlow)) {
      for (int i = 0; i < 200; i++) {
        PrefixAffinity.Result result = PrefixAffinity.apply(plan(first, other), prefix(i), PrefixAffinity.Options.DEFAULT,
            RoutingPreferences.Objective.COST);
        assertThat(result.plan().primary()).isSameAs(first);
        assertThat(result.outcome()).isEqualTo(PrefixAffinity.Outcome.NONE);
      }
    }
  }

  @Test
  void anAlternativeWhoseCachedInputIsDearerIsNotEligibleButACheaperOneIs() {
    Candidate first = measured("a", 300);
    ModelSpec noDiscount = new ModelSpec("nd", "nd", "p", "f", Tier.BUDGET, Set.of(), 128_000, 0.1, 1.0,
        List.of("us-east"), 500, 50, null, 0.1);
    ModelSpec discounted = new ModelSpec("dc", "dc", "p", "f", Tier.BUDGET, Set.of(), 128_000, 0.1, 1.0,
        List.of("us-east"), 500, 50, null, 0.01);
    Candidate cached = new Candidate(new Endpoint(discounted, PROVIDER, "us-east", "http://x/v1"), 300, true, 300, 0);
    Candidate full = new Candidate(new Endpoint(noDiscount, PROVIDER, "us-east", "http://x/v1"), 300, true, 300, 0);
    assertThat(PrefixAffinity.eligibleCount(List.of(cached, full), PrefixAffinity.Options.DEFAULT)).isEqualTo(1);
    assertThat(PrefixAffinity.eligibleCount(List.of(full, cached), PrefixAffinity.Options.DEFAULT)).isEqualTo(2);
    assertThat(PrefixAffinity.eligibleCount(List.of(first, new Candidate(endpoint("d", 2.0), 300, true, 300, 0)),
        PrefixAffinity.Options.DEFAULT)).as("dearer output").isEqualTo(1);
  }

  @Test
  void aShortPrefixOrAffinityOffLeavesThePlanAlone() {
    RoutePlan plan = plan(measured("a", 300), measured("b", 300));
    PromptPrefix shortPrefix = new PromptPrefix(42, 100);
    assertThat(PrefixAffinity.apply(plan, shortPrefix, PrefixAffinity.Options.DEFAULT).outcome()).isEqualTo(PrefixAffinity.Outcome.NONE);
    for (int i = 0; i < 100; i++) {
      PrefixAffinity.Result off = PrefixAffinity.apply(plan, prefix(i), PrefixAffinity.Options.OFF);
      assertThat(off.plan()).isSameAs(plan);
    }
  }

  @Test
  void theOutcomeSaysWhetherAffinityMovedTheRoute() {
    RoutePlan plan = plan(measured("a", 300), measured("b", 300));
    int moved = 0;
    for (int i = 0; i < 100; i++) {
      PrefixAffinity.Result result = PrefixAffinity.apply(plan, prefix(i), PrefixAffinity.Options.DEFAULT);
      boolean first = result.plan().primary().endpoint().id().equals("a@us-east");
      assertThat(result.outcome()).isEqualTo(first ? PrefixAffinity.Outcome.KEPT : PrefixAffinity.Outcome.MOVED);
      if (!first) {
        moved++;
        assertThat(result.plan().candidates()).hasSize(2);
        assertThat(result.plan().reason()).endsWith(" affinity");
      }
    }
    assertThat(moved).isBetween(25, 75);
  }

  @Test
  void thePrefixIsTheToolsAndLeadingSystemMessagesNotTheConversation() {
    String system = "You are a support agent. ".repeat(50);
    JsonObject turn1 = new JsonObject("{\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},"
        + "{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}");
    JsonObject turn3 = turn1.copy();
    turn3.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", "hello"))
        .add(new JsonObject().put("role", "user").put("content", "more"));
    PromptPrefix p1 = PromptPrefix.of(turn1);
    assertThat(p1.characters()).isGreaterThan(system.length());
    assertThat(PromptPrefix.of(turn3)).isEqualTo(p1);
    JsonObject otherSystem = turn1.copy();
    otherSystem.getJsonArray("messages").getJsonObject(0).put("content", system + "!");
    assertThat(PromptPrefix.of(otherSystem).hash()).isNotEqualTo(p1.hash());
    JsonObject noTools = turn1.copy();
    noTools.remove("tools");
    assertThat(PromptPrefix.of(noTools).hash()).isNotEqualTo(p1.hash());
    assertThat(PromptPrefix.of(new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))).isEqualTo(PromptPrefix.NONE);
  }
}
