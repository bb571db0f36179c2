package dev.meridian.core.tenancy;

import dev.meridian.core.openai.OpenAiError;
import java.util.Map;

/**
 * The limiter's answer for one request: allowed or not, and the {@code x-ratelimit-*} headers to send
 * either way (OpenAI's names; absent for limits the key does not have).
 *
 * @param refusal null when allowed
 * @param retryAfterSeconds for a refusal, when trying again can succeed
 */
public record Admission(OpenAiError refusal, long retryAfterSeconds, Map<String, String> headers) {
  public boolean allowed() {
    return refusal == null;
  }

  /** Which limit refused the request ({@code requests}, {@code tokens} or {@code budget}), or null. */
  public String limit() {
    return refusal == null ? null : refusal.param();
  }
}
