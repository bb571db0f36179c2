package dev.meridian.core.routing;

import dev.meridian.core.catalog.ModelSpec;
import java.util.Comparator;

/** The request's filters, and what selection left out, to explain an empty result. */
final class Exclusions {
  private static final int DEFAULT_OUTPUT_TOKENS = 256;

  final RequestProfile profile;
  final RoutingPreferences preferences;
  final Comparator<Candidate> order;
  long earliestRateLimitEndMs = Long.MAX_VALUE;
  int lastChainAdmitted;
  boolean anyModelConsidered;
  boolean anyModelAdmitted;
  int endpointsConsidered;
  int endpointsRegionExcluded;
  String rejectionCode = "no_model_matches";
  String rejectionReason = "";

  Exclusions(RequestProfile profile, RoutingPreferences preferences) {
    this.profile = profile;
    this.preferences = preferences;
    this.order = CandidateOrder.of(preferences.objective());
  }

  boolean admits(ModelSpec model) {
    anyModelConsidered = true;
    String why = rejects(model);
    if (why == null) {
      anyModelAdmitted = true;
      return true;
    }
    if (rejectionReason.isEmpty()) {
      rejectionReason = why;
    }
    return false;
  }

  private String rejects(ModelSpec model) {
    if (profile != null) {
      if (profile.images() && !model.has(ModelSpec.CAPABILITY_VISION)) {
        rejectionCode = "unsupported_capability";
        return "accepts images (vision)";
      }
      if (profile.tools() && !model.has(ModelSpec.CAPABILITY_TOOLS)) {
        rejectionCode = "unsupported_capability";
        return "supports tools";
      }
      long needed = profile.contextTokensNeeded(DEFAULT_OUTPUT_TOKENS);
      if (needed > model.contextWindow()) {
        rejectionCode = "context_length_exceeded";
        return "has a context window for about " + needed + " tokens (prompt plus max_tokens)";
      }
    }
    if (preferences.client() != null && !preferences.client().maySpendOn(model)) {
      rejectionCode = RouteSelector.MODEL_NOT_ALLOWED;
      return "is allowed for API key '" + preferences.client().name() + "'";
    }
    double ceiling = preferences.maxOutputDollarsPerMillion();
    if (!Double.isNaN(ceiling) && model.outputDollarsPerMillion() > ceiling) {
      rejectionCode = "no_model_matches";
      return "costs at most $" + ceiling + " per million output tokens";
    }
    if (!preferences.onlyProviders().isEmpty() && !preferences.onlyProviders().contains(model.provider())) {
      rejectionCode = "no_model_matches";
      return "is served by provider " + String.join(" or ", preferences.onlyProviders());
    }
    if (preferences.excludedProviders().contains(model.provider())) {
      rejectionCode = "no_model_matches";
      return "is served by a provider that is not excluded";
    }
    return null;
  }

  boolean admitsRegion(String region) {
    return (preferences.onlyRegions().isEmpty() || preferences.onlyRegions().contains(region))
        && !preferences.excludedRegions().contains(region);
  }

  String rejectionMessage(String requested) {
    return "No model for '" + requested + "' " + rejectionReason + ".";
  }
}
