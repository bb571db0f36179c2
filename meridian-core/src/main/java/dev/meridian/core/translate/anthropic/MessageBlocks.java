package dev.meridian.core.translate.anthropic;

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

/**
 * The system prompt and the conversation of a Messages request as chat-completions messages. Text
 * blocks of one message are joined by a blank line into one string (every provider accepts a string;
 * not all accept content parts); a user message with an image becomes content parts. Thinking blocks
 * in the history are dropped: chat-completions providers take no reasoning back. {@code cache_control}
 * is accepted anywhere and dropped: the seed providers cache prompt prefixes on their own.
 */
final class MessageBlocks {
  static final String TOOL_ERROR_PREFIX = "Tool error: ";
  private static final String JOIN = "\n\n";

  private final ModelSpec model;
  private final JsonArray out = new JsonArray();

  /** @param model the catalog model the client named, or null for a tier or {@code auto} */
  MessageBlocks(ModelSpec model) {
    this.model = model;
  }

  JsonArray messages() {
    return out;
  }

  /** {@code system}: a string or text blocks, as one leading system message. */
  void system(Object system) {
    if (system == null) {
      return;
    }
    String text;
    if (system instanceof String s) {
      text = s;
    } else {
      JsonArray blocks = array(system, "system");
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < blocks.size(); i++) {
        String param = "system[" + i + "]";
        JsonObject block = object(blocks.getValue(i), param);
        if (!"text".equals(block.getValue("type"))) {
          throw invalid(param + ".type", "system blocks must be of type 'text'.");
        }
        parts.add(requiredString(block, "text", param + ".text"));
      }
      text = String.join(JOIN, parts);
    }
    if (!text.isEmpty()) {
      out.add(new JsonObject().put("role", "system").put("content", text));
    }
  }

  void conversation(Object messages) {
    if (messages == null) {
      throw missing("messages");
    }
    JsonArray list = array(messages, "messages");
    if (list.isEmpty()) {
      throw invalid("messages", "must contain at least one message.");
    }
    for (int i = 0; i < list.size(); i++) {
      String param = "messages[" + i + "]";
      JsonObject message = object(list.getValue(i), param);
      Object role = message.getValue("role");
      Object content = message.getValue("content");
      if (content == null) {
        throw missing(param + ".content");
      }
      if ("user".equals(role)) {
        user(content, param);
      } else if ("assistant".equals(role)) {
        assistant(content, param);
      } else if (role == null) {
        throw missing(param + ".role");
      } else {
        throw invalid(param + ".role", "must be 'user' or 'assistant' (the system prompt goes in 'system').");
      }
    }
  }

  /** Tool results first, as role tool messages (they must follow the assistant's calls), then the rest. */
  private void user(Object content, String param) {
    if (content instanceof String text) {
      out.add(new JsonObject().put("role", "user").put("content", text));
      return;
    }
    JsonArray blocks = array(content, param + ".content");
    JsonArray parts = new JsonArray();
    boolean image = false;
    for (int i = 0; i < blocks.size(); i++) {
      String blockParam = param + ".content[" + i + "]";
      JsonObject block = object(blocks.getValue(i), blockParam);
      String type = blockType(block, blockParam);
      switch (type) {
        case "text":
          parts.add(new JsonObject().put("type", "text").put("text", requiredString(block, "text", blockParam + ".text")));
          break;
        case "image":
          parts.add(image(block, blockParam));
          image = true;
          break;
        case "tool_result":
          out.add(toolResult(block, blockParam));
          break;
        default:
          throw unsupported(type, blockParam, "a user message");
      }
    }
    if (parts.isEmpty()) {
      return;
    }
    out.add(new JsonObject().put("role", "user").put("content", image ? parts : joinText(parts)));
  }

  private void assistant(Object content, String param) {
    if (content instanceof String text) {
      out.add(new JsonObject().put("role", "assistant").put("content", text));
      return;
    }
    JsonArray blocks = array(content, param + ".content");
    List<String> texts = new ArrayList<>();
    JsonArray calls = new JsonArray();
    for (int i = 0; i < blocks.size(); i++) {
      String blockParam = param + ".content[" + i + "]";
      JsonObject block = object(blocks.getValue(i), blockParam);
      String type = blockType(block, blockParam);
      switch (type) {
        case "text":
          texts.add(requiredString(block, "text", blockParam + ".text"));
          break;
        case "tool_use":
          calls.add(toolCall(block, blockParam));
          break;
        case "thinking":
        case "redacted_thinking":
          break;
        default:
          throw unsupported(type, blockParam, "an assistant message");
      }
    }
    JsonObject message = new JsonObject().put("role", "assistant");
    if (calls.isEmpty()) {
      message.put("content", String.join(JOIN, texts));
    } else {
      message.put("content", texts.isEmpty() ? null : String.join(JOIN, texts)).put("tool_calls", calls);
    }
    out.add(message);
  }

  private JsonObject image(JsonObject block, String param) {
    if (model != null && !model.has(ModelSpec.CAPABILITY_VISION)) {
      throw invalid(param, "'" + model.id() + "' does not accept images; choose a vision-capable model.");
    }
    JsonObject source = object(block.getValue("source"), param + ".source");
    Object type = source.getValue("type");
    String url;
    if ("base64".equals(type)) {
      String mediaType = requiredString(source, "media_type", param + ".source.media_type");
      url = "data:" + mediaType + ";base64," + requiredString(source, "data", param + ".source.data");
    } else if ("url".equals(type)) {
      url = requiredString(source, "url", param + ".source.url");
    } else {
      throw invalid(param + ".source.type", "must be 'base64' or 'url' (files are not served here).");
    }
    return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url));
  }

  private static JsonObject toolResult(JsonObject block, String param) {
    String id = requiredString(block, "tool_use_id", param + ".tool_use_id");
    Object content = block.getValue("content");
    String text;
    if (content == null) {
      text = "";
    } else if (content instanceof String s) {
      text = s;
    } else {
      JsonArray parts = array(content, param + ".content");
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        String partParam = param + ".content[" + i + "]";
        JsonObject part = object(parts.getValue(i), partParam);
        if (!"text".equals(part.getValue("type"))) {
          throw invalid(partParam + ".type", "a tool result reaches chat-completions providers as text only.");
        }
        texts.add(requiredString(part, "text", partParam + ".text"));
      }
      text = String.join(JOIN, texts);
    }
    if (Boolean.TRUE.equals(block.getValue("is_error"))) {
      text = TOOL_ERROR_PREFIX + text;
    }
    return new JsonObject().put("role", "tool").put("tool_call_id", id).put("content", text);
  }

  private static JsonObject toolCall(JsonObject block, String param) {
    String id = requiredString(block, "id", param + ".id");
    String name = requiredString(block, "name", param + ".name");
    Object input = block.getValue("input");
    if (input == null) {
      throw missing(param + ".input");
    }
    object(input, param + ".input");
    return new JsonObject()
        .put("id", id)
        .put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", ((JsonObject) input).encode()));
  }

  private static String blockType(JsonObject block, String param) {
    Object type = block.getValue("type");
    if (type == null) {
      throw missing(param + ".type");
    }
    if (!(type instanceof String name)) {
      throw invalid(param + ".type", "must be a string.");
    }
    return name;
  }

  private static RuntimeException unsupported(String type, String param, String where) {
    return invalid(param + ".type", "'" + type + "' blocks in " + where + " cannot be sent to chat-completions providers.");
  }

  private static String joinText(JsonArray parts) {
    List<String> texts = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      texts.add(parts.getJsonObject(i).getString("text"));
    }
    return String.join(JOIN, texts);
  }
}
