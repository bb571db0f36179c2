package dev.meridian.simulator;

/** The faults the simulator can inject; {@link #jsonName()} is the key used in stats. */
public enum FaultKind {
  ERROR("error"),
  RATE_LIMIT("rateLimit"),
  ADDED_LATENCY("addedLatency"),
  STALL("stall"),
  RESET("reset"),
  RESET_AFTER_CHUNKS("resetAfterChunks"),
  DOWN("down"),
  ERROR_EVENT("errorEvent");

  private final String jsonName;

  FaultKind(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }
}
