package dev.meridian.core.translate.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What rendering one Responses answer needs from its request: the response id (its items' ids derive
 * from it), the time it was created, the client's request (the response echoes its settings and the
 * model name it sent, whatever served it) and Meridian's prompt estimate.
 *
 * @param id {@code resp_} and hex digits
 * @param createdAt Unix seconds
 * @param inputEstimate the prompt's estimated tokens, reported when the provider counts none
 */
public record ResponseContext(String id, long createdAt, JsonObject wire, long inputEstimate) {
  /** The id of the answer's {@code index}-th output item, of a kind ({@code msg}, {@code fc}, {@code rs}). */
  String itemId(String kind, int index) {
    return kind + "_" + id.substring(id.indexOf('_') + 1) + index;
  }

  /** The response object with no output yet: what {@code response.created} carries. */
  JsonObject skeleton(String status) {
    JsonObject text = wire.getValue("text") instanceof JsonObject t ? t.copy() : new JsonObject();
    if (!(text.getValue("format") instanceof JsonObject)) {
      text.put("format", new JsonObject().put("type", "text"));
    }
    JsonObject reasoning = new JsonObject()
        .put("effort", wire.getValue("reasoning") instanceof JsonObject r ? r.getValue("effort") : null)
        .put("summary", null);
    return new JsonObject()
        .put("id", id)
        .put("object", "response")
        .put("created_at", createdAt)
        .put("status", status)
        .put("background", false)
        .put("error", null)
        .put("incomplete_details", null)
        .put("instructions", wire.getValue("instructions"))
        .put("max_output_tokens", wire.getValue("max_output_tokens"))
        .put("model", wire.getValue("model"))
        .put("output", new JsonArray())
        .put("parallel_tool_calls", wire.getValue("parallel_tool_calls") instanceof Boolean b ? b : true)
        .put("previous_response_id", null)
        .put("reasoning", reasoning)
        .put("store", false)
        .put("temperature", wire.getValue("temperature") instanceof Number n ? n : 1.0)
        .put("text", text)
        .put("tool_choice", wire.getValue("tool_choice") != null ? wire.getValue("tool_choice") : "auto")
        .put("tools", wire.getValue("tools") instanceof JsonArray tools ? tools.copy() : new JsonArray())
        .put("top_p", wire.getValue("top_p") instanceof Number n ? n : 1.0)
        .put("truncation", "disabled")
        .put("usage", null)
        .put("user", wire.getValue("user"))
        .put("metadata", wire.getValue("metadata") instanceof JsonObject m ? m.copy() : new JsonObject());
  }
}
