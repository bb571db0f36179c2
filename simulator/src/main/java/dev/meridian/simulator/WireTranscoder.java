package dev.meridian.simulator;

import io.vertx.core.buffer.Buffer;

/**
 * How an exchange's bytes reach the client when the endpoint speaks another API than chat completions:
 * the simulator generates chat-completions bytes and a transcoder turns them into the other API's
 * (for the Anthropic-compatible Messages endpoints: {@link AnthropicTranscoder}). One per exchange.
 */
interface WireTranscoder {
  /** Chat completions as they are. */
  WireTranscoder NONE = new WireTranscoder() {
    @Override
    public Buffer chunk(Buffer chatBytes) {
      return chatBytes;
    }

    @Override
    public Buffer last(Buffer chatBytes) {
      return chatBytes;
    }

    @Override
    public Buffer error(int status, Buffer openAiError) {
      return openAiError;
    }
  };

  /** Stream bytes written before the end. */
  Buffer chunk(Buffer chatBytes);

  /** The last bytes: a whole JSON answer, or the end of a stream (or its error event). */
  Buffer last(Buffer chatBytes);

  /** An error answer (the body of a non-2xx status). */
  Buffer error(int status, Buffer openAiError);
}
