package dev.meridian.launcher.bench;

import java.util.Map;
import java.util.Objects;

/**
 * One thing to measure: a model at one chat-completions URL.
 *
 * @param model the name shown in results (the catalog id, or what the user passed)
 * @param requestModel what goes in the request's {@code model} field (a catalog model's upstream id)
 * @param region the endpoint's region, or a label for a plain base URL; null through a router, where
 *     each answer names its region
 * @param provider provider id, or null when unknown
 * @param url absolute {@code .../chat/completions} URL
 * @param headers extra request headers (authorization, region header); never printed or written out
 * @param outputDollarsPerMillion price per million output tokens, or null when unknown
 * @param catalogTtftMs the catalog's published TTFT for the model, or null
 * @param catalogTokensPerSecond the catalog's published generation speed, or null
 */
public record BenchTarget(
    String model,
    String requestModel,
    String region,
    String provider,
    String url,
    Map<String, String> headers,
    Double outputDollarsPerMillion,
    Double catalogTtftMs,
    Double catalogTokensPerSecond) {

  public BenchTarget {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(requestModel, "requestModel");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
  }

  /** Headers are left out: they may carry an API key. */
  @Override
  public String toString() {
    return model + (region == null ? "" : "@" + region) + " " + url;
  }
}
