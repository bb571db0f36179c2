package dev.meridian.core.catalog;

import dev.meridian.core.openai.OpenAiError;
import dev.meridian.core.routing.RouteSelector;

/**
 * What a model does, which decides the provider API it is called on and the client surfaces that may
 * name it. Tiers and {@code auto} choose among chat models only: an embedding is not a substitute for an
 * answer, and vectors of two embedding models are not comparable, so neither is ever swapped in.
 */
public enum ModelKind {
  CHAT("chat", "/chat/completions"),
  EMBEDDING("embedding", "/embeddings");

  private final String id;
  private final String upstreamPath;

  ModelKind(String id, String upstreamPath) {
    this.id = id;
    this.upstreamPath = upstreamPath;
  }

  /** The name used in the catalog's {@code kind} field. */
  public String id() {
    return id;
  }

  /** The provider API path under the endpoint's base URL. */
  public String upstreamPath() {
    return upstreamPath;
  }

  /** The kind named {@code id}, or null. */
  public static ModelKind fromId(String id) {
    for (ModelKind kind : values()) {
      if (kind.id.equals(id)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * Why a surface serving models of {@code wanted} kind cannot take {@code requested}, or null when it
   * can (or when the name is unknown: routing answers that with its own 404).
   */
  public static OpenAiError mismatch(Catalog catalog, String requested, ModelKind wanted) {
    ModelSpec model = catalog.model(requested);
    if (model == null) {
      String normalized = requested.toLowerCase(java.util.Locale.ROOT);
      boolean tierOrAuto = Tier.fromId(normalized) != null || RouteSelector.AUTO.equals(normalized)
          || catalog.aliases().resolve(requested) != null;
      if (tierOrAuto && wanted != CHAT) {
        return OpenAiError.invalidRequest(
            "model_kind_mismatch",
            "'" + requested + "' chooses among chat models; name an embedding model (GET /v1/models lists them).",
            "model");
      }
      return null;
    }
    if (model.kind() == wanted) {
      return null;
    }
    String hint = model.kind() == EMBEDDING ? "POST /v1/embeddings" : "a chat surface such as POST /v1/chat/completions";
    return OpenAiError.invalidRequest(
        "model_kind_mismatch",
        "'" + requested + "' is " + (model.kind() == EMBEDDING ? "an" : "a") + " " + model.kind().id
            + " model; call it with " + hint + ".",
        "model");
  }
}
