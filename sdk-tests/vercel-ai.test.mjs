// The Vercel AI SDK's defaults against the embedded default: createOpenAI()(model) speaks the Responses
// API, so generateText and streamText go through /v1/responses; a tool loop sends the call and its result
// back as input items (assistant text of earlier steps it sends as item_reference, which Meridian resolves
// from the items it served); embed and embedMany go through /v1/embeddings.
import test from "node:test";
import assert from "node:assert/strict";
import { createOpenAI } from "@ai-sdk/openai";
import { embed, embedMany, generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";

const openai = createOpenAI({ baseURL: `${process.env.MERIDIAN_URL}/v1`, apiKey: "sk-meridian-demo-key" });
const model = "deepseek-v4-flash";

test("generateText with the default model (Responses API) answers text with usage", async () => {
  const result = await generateText({ model: openai(model), prompt: "Explain recursion in one line", maxRetries: 0 });
  assert.ok(result.text.length > 0);
  assert.ok(result.usage.outputTokens > 0);
  assert.ok(result.usage.inputTokens > 0);
  assert.equal(result.finishReason, "stop");
  assert.equal(result.response.modelId, model);
});

test("streamText streams deltas that add up to the text, with usage at the end", async () => {
  const result = streamText({ model: openai(model), prompt: "Explain recursion", maxRetries: 0 });
  let streamed = "";
  for await (const delta of result.textStream) streamed += delta;
  assert.ok(streamed.length > 0);
  assert.equal(await result.text, streamed);
  assert.ok((await result.usage).outputTokens > 0);
});

test("a tool loop: the call, its result sent back as input items, a final text", async () => {
  const calls = [];
  const result = await generateText({
    model: openai(model),
    maxRetries: 0,
    prompt: "What is the weather in Oslo?",
    tools: {
      weather: tool({
        description: "Current weather in a city",
        inputSchema: jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }),
        execute: async ({ city }) => { calls.push(city); return { city, temperature: 4 }; },
      }),
    },
    toolChoice: "required",
    prepareStep: ({ stepNumber }) => (stepNumber > 0 ? { toolChoice: "none" } : {}),
    stopWhen: stepCountIs(3),
  });
  assert.equal(calls.length, 1, "the tool ran once");
  assert.equal(typeof calls[0], "string");
  assert.equal(result.steps.length, 2, "a tool step, then the answer");
  assert.ok(result.text.length > 0, "the second step's text");
});

test("embed and embedMany go through /v1/embeddings", async () => {
  const one = await embed({ model: openai.embedding("text-embedding-v4"), value: "The quick brown fox", maxRetries: 0 });
  assert.equal(one.embedding.length, 1024);
  assert.ok(one.usage.tokens > 0);
  const many = await embedMany({ model: openai.embedding("text-embedding-v4"), values: ["a", "b", "a"], maxRetries: 0 });
  assert.equal(many.embeddings.length, 3);
  assert.deepEqual(many.embeddings[2], many.embeddings[0]);
});
