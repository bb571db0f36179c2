// Generates deploy/k8s/base/prometheus/prometheusrule.yaml (a prometheus-operator PrometheusRule)
// from deploy/k8s/base/prometheus/meridian-rules.yaml, the one source of Meridian's rules.
//   node deploy/.tools/prometheusrule.mjs --write   regenerate the file
//   node deploy/.tools/prometheusrule.mjs --check   exit 1 when the file is not what it would generate
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(here, '../k8s/base/prometheus');
const source = resolve(dir, 'meridian-rules.yaml');
const target = resolve(dir, 'prometheusrule.yaml');

export function render() {
  const rules = parse(readFileSync(source, 'utf8'));
  if (!rules || !Array.isArray(rules.groups)) {
    throw new Error(`${source}: no "groups" list`);
  }
  const object = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'meridian',
      labels: {
        'app.kubernetes.io/name': 'meridian',
        'app.kubernetes.io/component': 'router',
      },
    },
    spec: { groups: rules.groups },
  };
  const header =
    '# GENERATED from meridian-rules.yaml by deploy/.tools/prometheusrule.mjs: do not edit.\n' +
    '# Change meridian-rules.yaml, then run: node deploy/.tools/prometheusrule.mjs --write\n';
  return header + stringify(object, { lineWidth: 110, minContentWidth: 40, indentSeq: true });
}

const mode = process.argv[2];
if (mode === '--write') {
  writeFileSync(target, render());
  console.log(`wrote ${target}`);
} else if (mode === '--check') {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== render()) {
    console.error(`${target} is stale: run node deploy/.tools/prometheusrule.mjs --write`);
    process.exit(1);
  }
  console.log('prometheusrule.yaml matches meridian-rules.yaml');
} else {
  console.error('usage: prometheusrule.mjs --write | --check');
  process.exit(2);
}
