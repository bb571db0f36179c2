package dev.meridian.core.translate.responses;

import static dev.meridian.core.translate.WireFields.array;
import static dev.meridian.core.translate.WireFields.invalid;
import static dev.meridian.core.translate.WireFields.missing;
import static dev.meridian.core.translate.WireFields.object;
import static dev.meridian.core.translate.WireFields.requiredString;

import dev.meridian.core.catalog.ModelSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code instructions} and {@code input} of a Responses request as chat-completions messages.
 * Messages keep their role ({@code developer} becomes {@code system}: not every provider knows it);
 * their text parts are joined into one string (every provider takes a string, not all take parts), and
 * a user message with an image becomes content parts. Function calls join the assistant message before
 * them as {@code tool_calls}; their outputs become {@code tool} messages. Reasoning items are dropped:
 * chat-completions providers take no reasoning back. An {@code item_reference} is resolved through the
 * items this router served (see {@link ResponseItemStore}).
 */
final class ResponseInput {
  private static final String JOIN = "\n\n";

  private final ModelSpec model;
  private final Function<String, JsonObject> servedItem;
  private final JsonArray out = new JsonArray();
  /** The assistant message that function calls join, or null once anything else came after it. */
  private JsonObject openAssistant;

  /**
   * @param model the catalog model named, or null for a tier or {@code auto}
   * @param servedItem an output item this router served, by id; null when unknown
   */
  ResponseInput(ModelSpec model, Function<String, JsonObject> servedItem) {
    this.model = model;
    this.servedItem = servedItem;
  }

  JsonArray messages() {
    return out;
  }

  void instructions(Object instructions) {
    if (instructions == null) {
      return;
    }
    if (!(instructions instanceof String text)) {
      throw invalid("instructions", "must be a string.");
    }
    if (!text.isEmpty()) {
      add(new JsonObject().put("role", "system").put("content", text));
    }
  }

  void input(Object input) {
    if (input == null) {
      throw missing("input");
    }
    if (input instanceof String text) {
      add(new JsonObject().put("role", "user").put("content", text));
      return;
    }
    JsonArray items = array(input, "input");
    if (items.isEmpty()) {
      throw invalid("input", "must be a string or a non-empty array of input items.");
    }
    for (int i = 0; i < items.size(); i++) {
      item(object(items.getValue(i), "input[" + i + "]"), "input[" + i + "]", true);
    }
  }

  private void item(JsonObject item, String param, boolean mayReference) {
    Object type = item.getValue("type");
    if (type == null || "message".equals(type)) {
      message(item, param);
      return;
    }
    switch (String.valueOf(type)) {
      case "function_call" -> functionCall(item, param);
      case "function_call_output" -> functionOutput(item, param);
      case "reasoning" -> {
        // Dropped: the providers behind Meridian take no reasoning back.
      }
      case "item_reference" -> {
        String id = requiredString(item, "id", param + ".id");
        JsonObject served = mayReference ? servedItem.apply(id) : null;
        if (served == null) {
          throw invalid(param + ".id", "item '" + id + "' is not known here. Meridian does not store responses:"
              + " it remembers the output items it served for a while, on the router that served them. Send the"
              + " item itself (with the Vercel AI SDK: providerOptions.openai.store = false).");
        }
        item(served, param, false);
      }
      default -> throw invalid(param + ".type", "'" + type + "' items are not supported here: the providers"
          + " behind Meridian speak chat completions (messages, function calls and their outputs).");
    }
  }

  private void message(JsonObject item, String param) {
    Object role = item.getValue("role");
    if (role == null) {
      throw missing(param + ".role");
    }
    if (!"user".equals(role) && !"assistant".equals(role) && !"system".equals(role) && !"developer".equals(role)) {
      throw invalid(param + ".role", "must be 'user', 'assistant', 'system' or 'developer'.");
    }
    Object content = item.getValue("content");
    if (content == null) {
      throw missing(param + ".content");
    }
    String chatRole = "developer".equals(role) ? "system" : (String) role;
    if (content instanceof String text) {
      add(new JsonObject().put("role", chatRole).put("content", text));
      return;
    }
    JsonArray parts = array(content, param + ".content");
    List<String> texts = new ArrayList<>();
    JsonArray chatParts = new JsonArray();
    boolean image = false;
    for (int i = 0; i < parts.size(); i++) {
      String partParam = param + ".content[" + i + "]";
      JsonObject part = object(parts.getValue(i), partParam);
      Object partType = part.getValue("type");
      if ("input_text".equals(partType) || "output_text".equals(partType) || "text".equals(partType)) {
        String text = requiredText(part, "text", partParam + ".text");
        texts.add(text);
        chatParts.add(new JsonObject().put("type", "text").put("text", text));
      } else if ("refusal".equals(partType) && "assistant".equals(role)) {
        texts.add(requiredText(part, "refusal", partParam + ".refusal"));
      } else if ("input_image".equals(partType) && "user".equals(role)) {
        chatParts.add(image(part, partParam));
        image = true;
      } else if (partType == null) {
        throw missing(partParam + ".type");
      } else {
        throw invalid(partParam + ".type", "'" + partType + "' is not supported in a " + role + " message here"
            + " (text parts, and images in user messages).");
      }
    }
    add(new JsonObject().put("role", chatRole).put("content", image ? chatParts : String.join(JOIN, texts)));
  }

  private JsonObject image(JsonObject part, String param) {
    if (model != null && !model.has(ModelSpec.CAPABILITY_VISION)) {
      throw invalid(param, "'" + model.id() + "' does not accept images; choose a vision-capable model.");
    }
    Object url = part.getValue("image_url");
    if (!(url instanceof String text) || text.isBlank()) {
      throw part.getValue("file_id") != null
          ? invalid(param + ".file_id", "files are not served here; send the image as image_url (a URL or a data URL).")
          : missing(param + ".image_url");
    }
    JsonObject image = new JsonObject().put("url", text);
    if (part.getValue("detail") instanceof String detail) {
      image.put("detail", detail);
    }
    return new JsonObject().put("type", "image_url").put("image_url", image);
  }

  private void functionCall(JsonObject item, String param) {
    String callId = requiredString(item, "call_id", param + ".call_id");
    String name = requiredString(item, "name", param + ".name");
    Object arguments = item.getValue("arguments");
    if (!(arguments instanceof String)) {
      throw arguments == null ? missing(param + ".arguments") : invalid(param + ".arguments", "must be a string (JSON text).");
    }
    JsonObject call = new JsonObject()
        .put("id", callId)
        .put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments));
    if (openAssistant == null) {
      openAssistant = new JsonObject().put("role", "assistant").put("content", null);
      out.add(openAssistant);
    }
    JsonArray calls = openAssistant.getJsonArray("tool_calls");
    if (calls == null) {
      calls = new JsonArray();
      openAssistant.put("tool_calls", calls);
    }
    calls.add(call);
  }

  private void functionOutput(JsonObject item, String param) {
    String callId = requiredString(item, "call_id", param + ".call_id");
    Object output = item.getValue("output");
    String text;
    if (output instanceof String s) {
      text = s;
    } else if (output instanceof JsonArray parts) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        String partParam = param + ".output[" + i + "]";
        JsonObject part = object(parts.getValue(i), partParam);
        if (!"input_text".equals(part.getValue("type"))) {
          throw invalid(partParam + ".type", "function outputs may hold text parts only here.");
        }
        texts.add(requiredText(part, "text", partParam + ".text"));
      }
      text = String.join(JOIN, texts);
    } else {
      throw output == null ? missing(param + ".output") : invalid(param + ".output", "must be a string or text parts.");
    }
    add(new JsonObject().put("role", "tool").put("tool_call_id", callId).put("content", text));
  }

  /** Appends a message; an assistant message stays open for the function calls that follow it. */
  private void add(JsonObject message) {
    out.add(message);
    openAssistant = "assistant".equals(message.getValue("role")) ? message : null;
  }

  private static String requiredText(JsonObject part, String field, String param) {
    Object value = part.getValue(field);
    if (!(value instanceof String text)) {
      throw value == null ? missing(param) : invalid(param, "must be a string.");
    }
    return text;
  }
}
