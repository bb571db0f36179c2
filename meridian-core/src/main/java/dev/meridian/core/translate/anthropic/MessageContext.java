package dev.meridian.core.translate.anthropic;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What rendering one answer needs from its request: the message id, the model name the client sent
 * (echoed, whatever served it), its stop sequences and Meridian's prompt estimate.
 *
 * @param id the message id, {@code msg_...}
 * @param stopSequences the request's {@code stop_sequences}, or null
 * @param inputEstimate the prompt's estimated tokens, reported until (or unless) the provider counts
 */
public record MessageContext(String id, String model, JsonArray stopSequences, long inputEstimate) {
  /** Where a tool call's arguments were not a JSON object, they travel as this one field. */
  public static final String RAW_ARGUMENTS = "_raw_arguments";
  private static final Pattern UNSAFE_ID = Pattern.compile("[^A-Za-z0-9_-]");

  /** The context of a parsed Messages request. */
  public static MessageContext of(String id, JsonObject wire, long inputEstimate) {
    Object stop = wire.getValue("stop_sequences");
    return new MessageContext(id, wire.getString("model"), stop instanceof JsonArray a ? a : null, inputEstimate);
  }

  /**
   * A {@code toolu_} id for the provider's tool call id: the same id again when the client sends the
   * call back in its history, so calls and results keep matching.
   *
   * @param index the call's position, for a provider that sent no id
   */
  String toolUseId(String upstreamId, int index) {
    String safe = upstreamId == null ? "" : UNSAFE_ID.matcher(upstreamId).replaceAll("");
    if (safe.startsWith("toolu_")) {
      return safe;
    }
    return safe.isEmpty() ? "toolu_" + id.replace("msg_", "") + "_" + index : "toolu_" + safe;
  }

  /** A tool call's arguments as the tool_use block's input object. */
  static JsonObject input(Object arguments) {
    if (arguments instanceof JsonObject object) {
      // A few providers send the arguments as an object rather than its JSON text.
      return object;
    }
    if (!(arguments instanceof String text) || text.isBlank()) {
      return new JsonObject();
    }
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // Not JSON: kept as it came, below.
    }
    return new JsonObject().put(RAW_ARGUMENTS, text);
  }
}
