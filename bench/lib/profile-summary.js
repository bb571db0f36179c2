#!/usr/bin/env node
// Summarises async-profiler collapsed stacks ("frame;frame;...;leaf COUNT" per line): the share of
// samples by layer of the leaf frame (self time), the hottest leaf frames, and the hottest Meridian
// methods counting what they call (inclusive). usage: profile-summary.js FILE.collapsed
'use strict';
const fs = require('fs');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);

const LAYERS = [
  ['kernel', (f) => f.endsWith('_[k]')],
  ['Meridian', (f) => /^dev[./]meridian/.test(f)],
  ['Jackson', (f) => /^com[./]fasterxml[./]jackson/.test(f)],
  ['Micrometer', (f) => /^io[./]micrometer/.test(f)],
  ['Hazelcast', (f) => /^com[./]hazelcast/.test(f)],
  ['Vert.x', (f) => /^io[./]vertx/.test(f)],
  ['Netty', (f) => /^io[./]netty/.test(f)],
  ['JDK', (f) => /^(java|javax|jdk|sun|com[./]sun)[./]/.test(f)],
  ['JVM, GC, JIT and native', () => true],
];
const layerOf = (frame) => LAYERS.find(([, test]) => test(frame))[0];
const clean = (f) => f.replace(/_\[[a-z0-9]\]$/, '');

let total = 0;
const byLayer = new Map(), byLeaf = new Map(), inclusive = new Map();
for (const line of lines) {
  const cut = line.lastIndexOf(' ');
  const count = Number(line.slice(cut + 1));
  const frames = line.slice(0, cut).split(';');
  const leaf = frames[frames.length - 1];
  total += count;
  const layer = layerOf(leaf);
  byLayer.set(layer, (byLayer.get(layer) || 0) + count);
  byLeaf.set(clean(leaf), (byLeaf.get(clean(leaf)) || 0) + count);
  const seen = new Set();
  for (const f of frames) {
    if (!/^dev[./]meridian/.test(f)) continue;
    const name = clean(f);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) || 0) + count);
  }
}
const pct = (n) => (100 * n / total).toFixed(1).padStart(5) + '%';
const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);

console.log(`samples: ${total}`);
console.log('\nself time by layer');
for (const [layer, n] of top(byLayer, LAYERS.length)) console.log(`  ${pct(n)}  ${layer}`);
console.log('\nhottest frames (self)');
for (const [frame, n] of top(byLeaf, 25)) console.log(`  ${pct(n)}  ${frame}`);
console.log('\nMeridian methods, inclusive (with what they call)');
for (const [frame, n] of top(inclusive, 25)) console.log(`  ${pct(n)}  ${frame}`);
