#!/usr/bin/env node
// Summarises an h2load --log-file (start µs since epoch, status, duration µs per request) as JSON:
// throughput achieved, errors, exact latency percentiles (µs), and how many responses took longer
// than one client's send interval (the only case where h2load's per-connection timer can delay a
// send and so hide queueing: coordinated omission). usage: h2log.js LOG CLIENTS PER_CLIENT_RPS
'use strict';
const fs = require('fs');
const [log, clients, perClientRps] = process.argv.slice(2);
const lines = fs.readFileSync(log, 'utf8').split('\n');
const durations = [];
let failed = 0, non2xx = 0, first = Infinity, last = 0;
for (const line of lines) {
  if (!line) continue;
  const [start, status, dur] = line.split('\t').map(Number);
  if (status === -1) { failed++; continue; }
  if (status < 200 || status >= 300) non2xx++;
  durations.push(dur);
  first = Math.min(first, start);
  last = Math.max(last, start + dur);
}
durations.sort((a, b) => a - b);
const pct = (p) => durations.length ? durations[Math.min(durations.length - 1, Math.ceil(p / 100 * durations.length) - 1)] : null;
const intervalUs = 1e6 / Number(perClientRps);
const secs = (last - first) / 1e6;
const mean = durations.reduce((a, b) => a + b, 0) / (durations.length || 1);
process.stdout.write(JSON.stringify({
  requests: durations.length,
  duration_s: +secs.toFixed(3),
  rps: +(durations.length / secs).toFixed(1),
  clients: Number(clients),
  per_client_rps: Number(perClientRps),
  errors: { failed, status: non2xx },
  slower_than_send_interval: durations.filter((d) => d > intervalUs).length,
  latency_us: {
    min: durations[0], mean: +mean.toFixed(1), p50: pct(50), p90: pct(90), p99: pct(99),
    p999: pct(99.9), max: durations[durations.length - 1],
  },
}) + '\n');
