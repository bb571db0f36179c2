package dev.meridian.launcher.bench;

import java.util.List;
import java.util.Map;

/** {@code bin/meridian bench}: placeholder until the endpoint benchmark lands. */
public final class EndpointBench {
  private EndpointBench() {}

  /** Runs the benchmark; returns the process exit code. */
  public static int run(List<String> args, Map<String, String> env) {
    System.err.println("meridian bench: not implemented yet");
    return 2;
  }
}
