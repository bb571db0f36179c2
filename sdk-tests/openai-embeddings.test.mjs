// embeddings.create with the official OpenAI Node SDK against the embedded default: the SDK's own
// default (base64, decoded by the SDK), explicit floats, a batch, dimensions, failover across regions,
// a key that may not use the model, and malformed input.
import test from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const baseURL = `${process.env.MERIDIAN_URL}/v1`;
const client = new OpenAI({ baseURL, apiKey: "sk-meridian-demo-key", maxRetries: 0 });
const model = "text-embedding-v4";

const norm = (vector) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));

test("the SDK's default request (base64) decodes to the same unit vector as encoding_format float", async () => {
  const asBase64 = await client.embeddings.create({ model, input: "The quick brown fox" });
  const asFloats = await client.embeddings.create({ model, input: "The quick brown fox", encoding_format: "float" });
  const decoded = asBase64.data[0].embedding;
  const floats = asFloats.data[0].embedding;
  assert.equal(decoded.length, 1024, "the model's default dimensions");
  assert.equal(floats.length, decoded.length);
  assert.ok(Math.abs(norm(floats) - 1) < 1e-3, `norm ${norm(floats)}`);
  floats.forEach((x, i) => assert.ok(Math.abs(x - decoded[i]) < 1e-6, `component ${i}: ${x} vs ${decoded[i]}`));
  assert.ok(asFloats.usage.prompt_tokens > 0);
  assert.equal(asFloats.usage.total_tokens, asFloats.usage.prompt_tokens);
});

test("a batch gives one vector per input, in order, at the dimensions asked for", async () => {
  const input = ["first", "second", "third", "first"];
  const answer = await client.embeddings.create({ model, input, dimensions: 256, encoding_format: "float" });
  assert.deepEqual(answer.data.map((item) => item.index), [0, 1, 2, 3]);
  answer.data.forEach((item) => assert.equal(item.embedding.length, 256));
  assert.deepEqual(answer.data[3].embedding, answer.data[0].embedding, "same input, same vector");
  assert.notDeepEqual(answer.data[1].embedding, answer.data[0].embedding);
});

test("the region that answered fails: the same model answers from another region", async (t) => {
  const sim = process.env.MERIDIAN_SIM_URL;
  if (!sim) {
    t.skip("MERIDIAN_SIM_URL unset (run through sdk-tests/run.sh)");
    return;
  }
  const first = await client.embeddings.create({ model, input: "where am I served" }).withResponse();
  const region = first.response.headers.get("x-meridian-region");
  assert.ok(region, "x-meridian-region header");
  const faultUrl = `${sim}/admin/faults/${model}/${region}`;
  const put = await fetch(faultUrl, { method: "PUT", headers: { "content-type": "application/json" },
    body: JSON.stringify({ errorRate: 1.0, errorStatus: 503 }) });
  assert.equal(put.status, 200);
  try {
    const again = await client.embeddings.create({ model, input: "where am I served now" }).withResponse();
    assert.notEqual(again.response.headers.get("x-meridian-region"), region);
    assert.equal(again.response.headers.get("x-meridian-model"), model, "never another embedding model");
    assert.equal(again.data.data[0].embedding.length, 1024);
  } finally {
    await fetch(faultUrl, { method: "DELETE" });
  }
});

test("a key that may not use the model gets a PermissionDeniedError (403)", async (t) => {
  if (!process.env.MERIDIAN_RESTRICTED_KEY) {
    t.skip("MERIDIAN_RESTRICTED_KEY unset (run through sdk-tests/run.sh)");
    return;
  }
  const restricted = new OpenAI({ baseURL, apiKey: process.env.MERIDIAN_RESTRICTED_KEY, maxRetries: 0 });
  await assert.rejects(restricted.embeddings.create({ model, input: "x" }),
    (error) => error instanceof OpenAI.PermissionDeniedError && error.status === 403);
});

test("malformed input and a chat model are BadRequestErrors naming the param", async () => {
  await assert.rejects(client.embeddings.create({ model, input: [] }),
    (error) => error instanceof OpenAI.BadRequestError && error.param === "input");
  await assert.rejects(client.embeddings.create({ model: "deepseek-v4-flash", input: "x" }),
    (error) => error instanceof OpenAI.BadRequestError && error.param === "model");
  await assert.rejects(client.embeddings.create({ model, input: "x", dimensions: 100 }),
    (error) => error instanceof OpenAI.BadRequestError && error.param === "dimensions");
});
