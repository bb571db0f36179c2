// Checks the rules and the Grafana dashboard against docs/metrics.md (the metric names contract)
// and docs/runbook.md, and writes the dashboard's queries as a rules file for `promtool check rules`.
//   node deploy/.tools/check-queries.mjs OUT_RULES_FILE
// Fails when a query names a meridian_* series the contract does not define, or a recording rule
// that does not exist; when an alert lacks severity page|ticket, summary, description or a
// runbook_url whose anchor is a section of docs/runbook.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const deploy = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(deploy, '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: check-queries.mjs OUT_RULES_FILE');
  process.exit(2);
}
const problems = [];

// The contract: | `name` | type | labels | meaning |
const contract = new Map();
for (const line of readFileSync(resolve(repo, 'docs/metrics.md'), 'utf8').split('\n')) {
  const m = line.match(/^\|\s*`(meridian_[a-z0-9_]+)`\s*\|\s*(counter|gauge|histogram)\s*\|/);
  if (m) contract.set(m[1], m[2]);
}
if (contract.size === 0) problems.push('docs/metrics.md: no metrics table found');
const series = new Set();
for (const [name, type] of contract) {
  if (type === 'histogram') ['_bucket', '_count', '_sum'].forEach((s) => series.add(name + s));
  else series.add(name);
}

const rules = parse(readFileSync(resolve(deploy, 'k8s/base/prometheus/meridian-rules.yaml'), 'utf8'));
const recorded = new Set();
const ruleExprs = [];
for (const group of rules.groups) {
  for (const rule of group.rules) {
    if (rule.record) recorded.add(rule.record);
    ruleExprs.push({ where: `rule ${rule.record || rule.alert}`, expr: String(rule.expr) });
  }
}

// Runbook sections, as GitHub turns headings into anchors.
const anchors = new Set(
  readFileSync(resolve(repo, 'docs/runbook.md'), 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-')),
);
for (const group of rules.groups) {
  for (const rule of group.rules.filter((r) => r.alert)) {
    const a = rule.annotations || {};
    const sev = rule.labels && rule.labels.severity;
    if (sev !== 'page' && sev !== 'ticket') problems.push(`alert ${rule.alert}: severity must be page or ticket`);
    for (const key of ['summary', 'description', 'runbook_url']) {
      if (!a[key]) problems.push(`alert ${rule.alert}: no ${key} annotation`);
    }
    const anchor = a.runbook_url && a.runbook_url.split('#')[1];
    if (!a.runbook_url || !a.runbook_url.includes('docs/runbook.md#') || !anchors.has(anchor)) {
      problems.push(`alert ${rule.alert}: runbook_url ${a.runbook_url} has no section in docs/runbook.md`);
    }
  }
}

// Dashboard queries.
const dashboard = JSON.parse(readFileSync(resolve(deploy, 'grafana/meridian-dashboard.json'), 'utf8'));
const dashExprs = [];
const walk = (panels) => {
  for (const p of panels || []) {
    for (const t of p.targets || []) dashExprs.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
    walk(p.panels);
  }
};
walk(dashboard.panels);
const variables = (dashboard.templating && dashboard.templating.list) || [];
for (const v of variables.filter((x) => x.type === 'query')) {
  const q = typeof v.query === 'string' ? v.query : v.query.query;
  const m = q.match(/^label_values\((.*),\s*[a-z_]+\)$/);
  if (!m) problems.push(`variable ${v.name}: expected label_values(selector, label)`);
  else dashExprs.push({ where: `variable ${v.name}`, expr: m[1] });
}
if (dashExprs.length === 0) problems.push('dashboard: no queries');

// Every meridian_* name and every recording-rule name a query uses must exist.
for (const { where, expr } of [...ruleExprs, ...dashExprs]) {
  if (typeof expr !== 'string' || expr.trim() === '') {
    problems.push(`${where}: empty query`);
    continue;
  }
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const name of code.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) || []) {
    if (name.includes(':')) {
      if (!recorded.has(name)) problems.push(`${where}: unknown recording rule ${name}`);
    } else if (name.startsWith('meridian_') && !series.has(name)) {
      problems.push(`${where}: ${name} is not in docs/metrics.md`);
    }
  }
}

// The dashboard's queries as recording rules, Grafana's variables replaced, for promtool.
const substitute = (e) =>
  e
    .replace(/\$__rate_interval/g, '5m')
    .replace(/\$__range/g, '1d')
    .replace(/\$\{?[a-z_]+\}?/g, '.*');
const asRules = {
  groups: [
    {
      name: 'dashboard-queries',
      rules: dashExprs.map((d, i) => ({ record: `dashboard:query_${i}`, expr: substitute(d.expr) })),
    },
  ],
};
writeFileSync(out, stringify(asRules));

if (problems.length > 0) {
  console.error(`${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `queries ok: ${ruleExprs.length} rule and ${dashExprs.length} dashboard queries use only the ` +
    `${contract.size} metrics of docs/metrics.md and ${recorded.size} recording rules`,
);
