// The official OpenAI Node SDK against Meridian's embedded default, as a new user points it: base URL
// and the demo key, nothing else. Each test is something a real client loop does.
import test from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const client = new OpenAI({ baseURL: `${process.env.MERIDIAN_URL}/v1`, apiKey: "sk-meridian-demo-key", maxRetries: 0 });
const messages = [{ role: "user", content: "Say hello in five words" }];

test("chat.completions.create answers with a message and provider usage", async () => {
  const completion = await client.chat.completions.create({ model: "auto", messages });
  assert.ok(completion.choices[0].message.content.length > 0);
  assert.ok(completion.usage.completion_tokens > 0);
});

test("a stream without include_usage gives every chunk a choice (the SDK loop reads choices[0])", async () => {
  const stream = await client.chat.completions.create({ model: "budget", messages, stream: true });
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.ok(chunk.choices.length > 0, `chunk ${chunks} has no choices: ${JSON.stringify(chunk)}`);
    text += chunk.choices[0].delta.content ?? "";
    assert.equal(chunk.usage ?? null, null, "usage the client did not ask for");
  }
  assert.ok(chunks > 1 && text.length > 0);
});

test("a stream with include_usage ends with the usage chunk", async () => {
  const stream = await client.chat.completions.create({
    model: "budget", messages, stream: true, stream_options: { include_usage: true } });
  let last;
  for await (const chunk of stream) {
    last = chunk;
  }
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.completion_tokens > 0);
});

test("models.list and models.retrieve know catalog models, tiers and auto; an unknown id is a 404", async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    ids.push(model.id);
  }
  assert.ok(ids.includes("auto") && ids.includes("deepseek-v4-flash"), ids.join(","));
  assert.equal((await client.models.retrieve("deepseek-v4-flash")).id, "deepseek-v4-flash");
  assert.equal((await client.models.retrieve("auto")).id, "auto");
  await assert.rejects(client.models.retrieve("no-such-model"), (e) => e instanceof OpenAI.NotFoundError);
});

test("an unknown model is a NotFoundError in OpenAI's error shape", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: "no-such-model", messages }),
    (e) => e instanceof OpenAI.NotFoundError && e.error?.code === "model_not_found");
});

test("a key allowed only deepseek-v4-flash gets it, and a PermissionDeniedError (403) for another model", async (t) => {
  if (!process.env.MERIDIAN_RESTRICTED_KEY) {
    t.skip("MERIDIAN_RESTRICTED_KEY unset (run through sdk-tests/run.sh)");
    return;
  }
  const restricted = new OpenAI({
    baseURL: `${process.env.MERIDIAN_URL}/v1`, apiKey: process.env.MERIDIAN_RESTRICTED_KEY, maxRetries: 0 });
  const allowed = await restricted.chat.completions.create({ model: "deepseek-v4-flash", messages });
  assert.ok(allowed.choices[0].message.content.length > 0);
  await assert.rejects(
    restricted.chat.completions.create({ model: "kimi-k2.5", messages }),
    (error) => error instanceof OpenAI.PermissionDeniedError && error.status === 403 && typeof error.error?.message === "string");
});
