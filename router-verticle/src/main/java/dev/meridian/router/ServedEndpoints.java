package dev.meridian.router;

import dev.meridian.core.openai.OpenAiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the main port serves, and the answer to a request outside it: 405 for a served path with the
 * wrong method, otherwise a 404 that says what is served, or, for the commonest misconfiguration (an
 * SDK base URL without {@code /v1}, or with it twice), how to fix the base URL.
 */
final class ServedEndpoints {
  /** The client API; a new route belongs here too, so 404s keep telling the truth. */
  static final List<Endpoint> CLIENT_API =
      List.of(
          new Endpoint("POST", "/v1/chat/completions"),
          new Endpoint("POST", "/v1/responses"),
          new Endpoint("POST", "/v1/completions"),
          new Endpoint("POST", "/v1/embeddings"),
          new Endpoint("POST", "/v1/messages"),
          new Endpoint("POST", "/v1/messages/count_tokens"),
          new Endpoint("GET", "/v1/models"),
          new Endpoint("GET", "/v1/models/{model}"),
          new Endpoint("GET", "/healthz"),
          new Endpoint("GET", "/readyz"));

  /** On the main port only when there is no admin port; {@code /} redirects to {@code /status}. */
  static final List<Endpoint> ADMIN =
      List.of(
          new Endpoint("GET", "/status"),
          new Endpoint("GET", "/status.json"),
          new Endpoint("GET", "/metrics"),
          new Endpoint("GET", "/"));

  /** First path segments of the OpenAI and Anthropic APIs: a request for one of them lacks {@code /v1}. */
  private static final Set<String> API_RESOURCES =
      Set.of("chat", "completions", "models", "responses", "embeddings", "messages");

  /** A Host header worth echoing back in advice; anything else is replaced by a placeholder. */
  private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]{1,255}");

  /** One method and path; a {@code {name}} segment stands for the rest of the path. */
  record Endpoint(String method, String path) {
    boolean matchesPath(String requested) {
      int placeholder = path.indexOf('{');
      if (placeholder < 0) {
        return path.equals(requested);
      }
      String prefix = path.substring(0, placeholder);
      return requested.startsWith(prefix) && requested.length() > prefix.length();
    }
  }

  private final List<Endpoint> served;

  ServedEndpoints(boolean adminOnThisPort) {
    List<Endpoint> all = new ArrayList<>(CLIENT_API);
    if (adminOnThisPort) {
      all.addAll(ADMIN);
    }
    this.served = List.copyOf(all);
  }

  /**
   * The error for a request no route took.
   *
   * @param scheme and {@code host} (the Host header, may be null) build the base URL the advice names
   */
  OpenAiError unserved(String method, String path, String scheme, String host) {
    if (served.stream().anyMatch(endpoint -> endpoint.matchesPath(path))) {
      return OpenAiError.methodNotAllowed(method, path);
    }
    String origin = scheme + "://" + (host != null && PLAIN_HOST.matcher(host).matches() ? host : "<host>:<port>");
    if (path.startsWith("/v1/v1/")) {
      return OpenAiError.notFound(
          path,
          "The client added its own /v1 to a base URL that already ends in /v1. For SDKs that append /v1"
              + " themselves (Anthropic's), set base_url to " + origin + "; for OpenAI's, to " + origin + "/v1.");
    }
    if (API_RESOURCES.contains(firstSegment(path))) {
      return OpenAiError.notFound(
          path,
          "Meridian serves the API under /v1: set the client's base_url to " + origin + "/v1 (this request"
              + " then goes to /v1" + path + ").");
    }
    return OpenAiError.notFound(path, "This router serves " + listing() + ".");
  }

  /** {@code POST /v1/chat/completions; GET /v1/models, ...}: the served endpoints grouped by method. */
  String listing() {
    java.util.Map<String, List<String>> byMethod = new java.util.LinkedHashMap<>();
    for (Endpoint endpoint : served) {
      byMethod.computeIfAbsent(endpoint.method(), m -> new ArrayList<>()).add(endpoint.path());
    }
    List<String> groups = new ArrayList<>();
    byMethod.forEach((method, paths) -> groups.add(method + " " + String.join(", ", paths)));
    return String.join("; ", groups);
  }

  private static String firstSegment(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.indexOf('/', start);
    return end < 0 ? path.substring(start) : path.substring(start, end);
  }
}
