#!/usr/bin/env node
// Aggregates per-run JSON files (one per mode x target x repetition) into medians, prints a table
// and writes the aggregate JSON. usage: report.js RUNS_DIR OUT_JSON META_JSON
// Each run file: { mode, target, rep, rps, requests, errors{...}, latency_us{p50,p90,p99,p999,max},
//                  proxy_cpu_ticks, upstream_cpu_ticks, clk_tck, machine_busy_ticks, wall_s, ... }
// The target named "direct" is the baseline; every other target gets "added" = target - direct,
// computed from the medians of each metric over the repetitions.
'use strict';
const fs = require('fs');
const path = require('path');
const [dir, outJson, metaJson] = process.argv.slice(2);
const meta = metaJson ? JSON.parse(fs.readFileSync(metaJson, 'utf8')) : {};
const runs = fs.readdirSync(dir).filter((f) => f.endsWith('.run.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));

const median = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const errCount = (e) => Object.values(e || {}).reduce((a, b) => a + (Number(b) || 0), 0);

const modes = [...new Set(runs.map((r) => r.mode))];
const modeOrder = meta.mode_order || modes;
const targetOrder = meta.target_order || [...new Set(runs.map((r) => r.target))];
const groups = [];
for (const mode of modeOrder.filter((m) => modes.includes(m))) {
  for (const target of targetOrder) {
    const rs = runs.filter((r) => r.mode === mode && r.target === target).sort((a, b) => a.rep - b.rep);
    if (!rs.length) continue;
    const per1k = (ticksKey) => median(rs.map((r) => (r[ticksKey] == null ? null
      : (r[ticksKey] / r.clk_tck) / r.requests * 1000)));
    const g = {
      mode, target, reps: rs.length,
      desc: rs[0].desc,
      rps: median(rs.map((r) => r.rps)),
      requests: rs.reduce((a, r) => a + r.requests, 0),
      errors: rs.reduce((a, r) => a + errCount(r.errors), 0),
      latency_us: {},
      proxy_cpu_s_per_1k: per1k('proxy_cpu_ticks'),
      upstream_cpu_s_per_1k: per1k('upstream_cpu_ticks'),
      proxy_rss_peak_kb: Math.max(0, ...rs.map((r) => r.proxy_rss_peak_kb || 0)) || null,
      machine_busy_pct: median(rs.map((r) => r.machine_busy_ticks == null ? null
        : 100 * (r.machine_busy_ticks / r.clk_tck) / (r.wall_s * (r.ncpu || 1)))),
      foreign_cpu_pct: median(rs.map((r) => r.foreign_cpu_ticks == null ? null
        : 100 * (r.foreign_cpu_ticks / r.clk_tck) / (r.wall_s * (r.ncpu || 1)))),
      generator_cpu_s_per_1k: per1k('generator_cpu_ticks'),
      slower_than_send_interval: rs[0].slower_than_send_interval === undefined ? undefined
        : rs.reduce((a, r) => a + r.slower_than_send_interval, 0),
      per_rep: rs.map((r) => {
        const l = r.latency_us || r.ttfb_us || {};
        return { rep: r.rep, rps: r.rps, p50: l.p50, p99: l.p99, p999: l.p999, max: l.max, errors: errCount(r.errors) };
      }),
    };
    g.stream = !!rs[0].ttfb_us;
    if (g.stream) {
      g.ttfb_us = {}; g.gap_us = {}; g.latency_us = null;
      for (const k of ['p50', 'p90', 'p99', 'p999', 'max']) {
        g.ttfb_us[k] = median(rs.map((r) => r.ttfb_us && r.ttfb_us[k]));
        g.gap_us[k] = median(rs.map((r) => r.gap_us && r.gap_us[k]));
      }
      g.events_per_stream = median(rs.map((r) => r.events_per_stream && r.events_per_stream.p50));
    } else {
      for (const k of ['p50', 'p90', 'p99', 'p999', 'max']) g.latency_us[k] = median(rs.map((r) => r.latency_us[k]));
    }
    groups.push(g);
  }
}
const added = [];
for (const g of groups) {
  if (g.target === 'direct') continue;
  const base = groups.find((b) => b.mode === g.mode && b.target === 'direct');
  if (!base) continue;
  const diff = (a, b) => { const d = {}; for (const k of ['p50', 'p90', 'p99', 'p999']) d[k] = a[k] - b[k]; return d; };
  if (g.stream) {
    added.push({ mode: g.mode, target: g.target, stream: true, added_ttfb_us: diff(g.ttfb_us, base.ttfb_us),
      added_gap_us: diff(g.gap_us, base.gap_us), throughput_ratio: base.rps ? +(g.rps / base.rps).toFixed(3) : null });
  } else {
    added.push({ mode: g.mode, target: g.target, added_latency_us: diff(g.latency_us, base.latency_us),
      throughput_ratio: base.rps ? +(g.rps / base.rps).toFixed(3) : null });
  }
}

// ---- table ----
const us = (x) => (x === null || x === undefined ? '-' : x >= 10000 ? (x / 1000).toFixed(1) + 'ms' : Math.round(x) + 'µs');
const sus = (x) => (x === null || x === undefined ? '-' : (x >= 0 ? '+' : '') + us(x).replace(/^-?/, x < 0 ? '-' : ''));
const num = (x, d = 0) => (x === null || x === undefined ? '-' : Number(x).toFixed(d));
const cols = ['load', 'target', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors', 'proxy CPU s/1k', 'upstream CPU s/1k', 'proxy RSS MB', 'other CPU%'];
const rows = [];
for (const g of groups.filter((x) => !x.stream)) {
  rows.push([g.desc || g.mode, g.target, num(g.rps), us(g.latency_us.p50), us(g.latency_us.p90), us(g.latency_us.p99),
    us(g.latency_us.p999), us(g.latency_us.max), String(g.errors), num(g.proxy_cpu_s_per_1k, 3),
    num(g.upstream_cpu_s_per_1k, 3), g.proxy_rss_peak_kb ? num(g.proxy_rss_peak_kb / 1024, 0) : '-', num(g.foreign_cpu_pct, 0)]);
  const a = added.find((x) => x.mode === g.mode && x.target === g.target);
  if (a) {
    rows.push(['', '  added vs direct', `x${a.throughput_ratio}`, sus(a.added_latency_us.p50), sus(a.added_latency_us.p90),
      sus(a.added_latency_us.p99), sus(a.added_latency_us.p999), '', '', '', '', '', '']);
  }
}
const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
const out = [];
if (rows.length) {
  out.push(line(cols));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
}
let lastMode = null;
for (let i = 0; i < rows.length; i++) {
  if (rows[i][0] && lastMode !== null && rows[i][0] !== lastMode) out.push('');
  if (rows[i][0]) lastMode = rows[i][0];
  out.push(line(rows[i]));
}
const sgroups = groups.filter((x) => x.stream);
if (sgroups.length) {
  const scols = ['streaming', 'target', 'streams/s', 'TTFB p50', 'p99', 'p99.9', 'gap p50', 'p99', 'p99.9', 'max', 'events', 'errors', 'proxy CPU s/1k', 'proxy RSS MB', 'other CPU%'];
  const srows = [];
  for (const g of sgroups) {
    srows.push([g.desc || g.mode, g.target, num(g.rps, 1), us(g.ttfb_us.p50), us(g.ttfb_us.p99), us(g.ttfb_us.p999),
      us(g.gap_us.p50), us(g.gap_us.p99), us(g.gap_us.p999), us(g.gap_us.max), num(g.events_per_stream), String(g.errors),
      num(g.proxy_cpu_s_per_1k, 3), g.proxy_rss_peak_kb ? num(g.proxy_rss_peak_kb / 1024, 0) : '-', num(g.foreign_cpu_pct, 0)]);
    const a = added.find((x) => x.mode === g.mode && x.target === g.target);
    if (a) srows.push(['', '  added vs direct', `x${a.throughput_ratio}`, sus(a.added_ttfb_us.p50), sus(a.added_ttfb_us.p99),
      sus(a.added_ttfb_us.p999), sus(a.added_gap_us.p50), sus(a.added_gap_us.p99), sus(a.added_gap_us.p999), '', '', '', '', '', '']);
  }
  const sw = scols.map((c, i) => Math.max(c.length, ...srows.map((r) => r[i].length)));
  const sline = (r) => r.map((c, i) => (i < 2 ? c.padEnd(sw[i]) : c.padStart(sw[i]))).join('  ');
  out.push('');
  out.push(sline(scols));
  out.push(sw.map((w) => '-'.repeat(w)).join('  '));
  for (const r of srows) out.push(sline(r));
  out.push('TTFB = request written to first body byte; gap = time between consecutive SSE events as received.');
}
out.push('');
out.push('other CPU% = share of all CPUs used during the run by processes other than the servers and the load generator (foreign load: it makes numbers noisy).');
out.push('Medians over ' + Math.max(...groups.map((g) => g.reps)) + ' repetitions; latency = wrk/h2load request time on loopback.');
for (const a of added.filter((x) => !x.stream)) {
  out.push(`  ${a.target} @ ${groups.find((g) => g.mode === a.mode).desc || a.mode}: added p50 ${sus(a.added_latency_us.p50)}, added p99 ${sus(a.added_latency_us.p99)}, throughput x${a.throughput_ratio}`);
}
const warnings = [];
for (const g of groups) {
  if (g.errors) warnings.push(`${g.target} @ ${g.desc || g.mode}: ${g.errors} errors (non-2xx, socket errors or timeouts)`);
  if (g.foreign_cpu_pct > 10) warnings.push(`${g.target} @ ${g.desc || g.mode}: other processes used ${num(g.foreign_cpu_pct, 0)}% of the machine during the run (median)`);
  if (g.slower_than_send_interval) warnings.push(`${g.target} @ ${g.desc || g.mode}: ${g.slower_than_send_interval} responses slower than a client's send interval (sends may have been delayed)`);
}
if (warnings.length) { out.push(''); out.push('WARNINGS:'); for (const w of warnings) out.push('  ' + w); }
console.log(out.join('\n'));

fs.writeFileSync(outJson, JSON.stringify({ meta, groups, added, warnings, runs }, null, 2) + '\n');
