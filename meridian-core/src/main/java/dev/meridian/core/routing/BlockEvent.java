package dev.meridian.core.routing;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A block or lift that one router tells the others of its region, over the cluster event bus. What
 * arrives comes from another member, so {@link #parse} checks every field and type instead of trusting
 * the shape: the receiver drops what does not parse rather than failing inside its handler.
 *
 * @param untilMs for a block, the deadline as the sender computed it; the receiver caps it ({@link
 *     EndpointBlocklist#capped}); 0 for a lift
 * @param reason for a block; null for a lift
 * @param origin the sending node, so a node ignores its own events; null when the sender gave none
 */
public record BlockEvent(
    Action action, String region, String origin, String endpointId, long untilMs, EndpointBlocklist.Reason reason) {

  public enum Action {
    BLOCK,
    LIFT
  }

  /** Endpoint ids are {@code model@region}; anything much longer is not one of ours. */
  static final int MAX_ENDPOINT_ID_LENGTH = 256;

  public BlockEvent {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(endpointId, "endpointId");
    if (action == Action.BLOCK) {
      Objects.requireNonNull(reason, "reason");
    }
  }

  public static BlockEvent block(String region, String origin, String endpointId, long untilMs, EndpointBlocklist.Reason reason) {
    return new BlockEvent(Action.BLOCK, region, origin, endpointId, untilMs, reason);
  }

  public static BlockEvent lift(String region, String origin, String endpointId) {
    return new BlockEvent(Action.LIFT, region, origin, endpointId, 0, null);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("action", action == Action.BLOCK ? "block" : "lift")
            .put("endpoint", endpointId)
            .put("region", region)
            .put("origin", origin);
    if (action == Action.BLOCK) {
      json.put("untilMs", untilMs).put("reason", reason.name());
    }
    return json;
  }

  /** Why a message was not a block event; says which field, never repeats its value. */
  public static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param body the message body as received: anything a member can publish
   * @throws MalformedException when it is not a JSON object with the fields {@link #toJson} writes
   */
  public static BlockEvent parse(Object body) throws MalformedException {
    if (!(body instanceof JsonObject json)) {
      throw new MalformedException("not a JSON object");
    }
    String region = optionalString(json, "region");
    String origin = optionalString(json, "origin");
    if (!(json.getValue("endpoint") instanceof String endpointId)
        || endpointId.isBlank()
        || endpointId.length() > MAX_ENDPOINT_ID_LENGTH) {
      throw new MalformedException("'endpoint' is missing, not a string, or not an endpoint id");
    }
    Object action = json.getValue("action");
    if ("lift".equals(action)) {
      return lift(region, origin, endpointId);
    }
    if (!"block".equals(action)) {
      throw new MalformedException("'action' is neither block nor lift");
    }
    Object until = json.getValue("untilMs");
    // Integer too: a JSON round trip (the clustered bus) turns small numbers into ints.
    if (!(until instanceof Long || until instanceof Integer)) {
      throw new MalformedException("'untilMs' is missing or not a whole number");
    }
    EndpointBlocklist.Reason reason = reason(json.getValue("reason"));
    return block(region, origin, endpointId, ((Number) until).longValue(), reason);
  }

  private static EndpointBlocklist.Reason reason(Object value) throws MalformedException {
    if (value instanceof String name) {
      for (EndpointBlocklist.Reason reason : EndpointBlocklist.Reason.values()) {
        if (reason.name().equals(name)) {
          return reason;
        }
      }
    }
    throw new MalformedException("'reason' is missing or not a known reason");
  }

  private static String optionalString(JsonObject json, String field) throws MalformedException {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new MalformedException("'" + field + "' is not a string");
    }
    return (String) value;
  }
}
