package dev.meridian.core.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configured fallback chains, keyed by what a client may ask for: a model id or a tier id. Requests for
 * a name without a chain use the default: the model alone, or every model of the tier in one step.
 */
public final class FallbackChains {
  public static final FallbackChains NONE = new FallbackChains(Map.of());

  private final Map<String, List<ChainStep>> chains;

  public FallbackChains(Map<String, List<ChainStep>> chains) {
    Map<String, List<ChainStep>> copy = new LinkedHashMap<>();
    chains.forEach((name, steps) -> copy.put(name, List.copyOf(steps)));
    this.chains = Collections.unmodifiableMap(copy);
  }

  /** The configured chain for a model or tier id, or null. */
  public List<ChainStep> chainFor(String name) {
    return chains.get(name);
  }

  public Map<String, List<ChainStep>> all() {
    return chains;
  }
}
