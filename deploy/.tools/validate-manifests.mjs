// Validates rendered overlays against the Kubernetes and prometheus-operator schemas shipped in the
// npm packages kubernetes-models and @kubernetes-models/prometheus-operator (their validate()).
//   node deploy/.tools/validate-manifests.mjs us-east=/path/rendered.yaml [eu-west=...] ...
// Each argument names an overlay (its region) and the output of `kubectl kustomize` for it.
// Besides the schemas it checks that the overlay is self-consistent: objects in meridian-<region>,
// the region variables set, and every ConfigMap the Deployment names rendered (hash suffixes).
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

// apiVersion -> module holding that group/version's model classes.
function modulePath(apiVersion) {
  if (apiVersion.startsWith('monitoring.coreos.com/')) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`; // "v1" for the core group, "apps/v1", ...
}

const modules = new Map();
async function modelClass(apiVersion, kind) {
  const path = modulePath(apiVersion);
  if (!modules.has(path)) {
    modules.set(path, await import(path).catch(() => null));
  }
  const mod = modules.get(path);
  const cls = mod && mod[kind];
  return typeof cls === 'function' && cls.kind === kind && cls.apiVersion === apiVersion ? cls : null;
}

function check(errors, condition, message) {
  if (!condition) errors.push(message);
}

let failures = 0;
const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: validate-manifests.mjs REGION=RENDERED.yaml ...');
  process.exit(2);
}
for (const arg of args) {
  const [region, file] = arg.split('=');
  const namespace = `meridian-${region}`;
  const errors = [];
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      errors.push(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj);
  }
  const kinds = {};
  for (const obj of objects) {
    const id = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
    kinds[obj.kind] = (kinds[obj.kind] || 0) + 1;
    const cls = obj.apiVersion && obj.kind ? await modelClass(obj.apiVersion, obj.kind) : null;
    if (!cls) {
      errors.push(`${id}: no schema for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new cls(obj).validate();
    } catch (e) {
      errors.push(`${id}: ${e.message}`);
    }
    if (obj.kind === 'Namespace') {
      check(errors, obj.metadata.name === namespace, `${id}: expected Namespace ${namespace}`);
    } else {
      check(errors, obj.metadata.namespace === namespace, `${id}: namespace ${obj.metadata.namespace}, expected ${namespace}`);
    }
  }
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  check(errors, deployments.length === 1, `expected one Deployment, found ${deployments.length}`);
  for (const dep of deployments) {
    const pod = dep.spec.template.spec;
    const container = pod.containers.find((c) => c.name === 'meridian');
    check(errors, container, 'Deployment: no container "meridian"');
    if (!container) continue;
    const refs = [
      ...(container.envFrom || []).filter((e) => e.configMapRef).map((e) => e.configMapRef.name),
      ...(pod.volumes || []).filter((v) => v.configMap).map((v) => v.configMap.name),
    ];
    for (const ref of refs) check(errors, configMaps.has(ref), `Deployment refers to ConfigMap ${ref}, not rendered`);
    const envMap = refs.map((r) => configMaps.get(r)).find((cm) => cm && cm.data && cm.data.MERIDIAN_REGION);
    check(errors, envMap, 'no ConfigMap with MERIDIAN_REGION referenced by the Deployment');
    if (envMap) {
      const env = envMap.data;
      check(errors, env.MERIDIAN_REGION === region, `MERIDIAN_REGION=${env.MERIDIAN_REGION}, expected ${region}`);
      check(errors, env.MERIDIAN_K8S_SERVICE_DNS === `meridian-hazelcast.${namespace}.svc.cluster.local`,
        `MERIDIAN_K8S_SERVICE_DNS=${env.MERIDIAN_K8S_SERVICE_DNS} is not this region's headless Service`);
    }
    check(errors, pod.containers.every((c) => c.securityContext && c.securityContext.readOnlyRootFilesystem),
      'Deployment: containers must have a read-only root file system');
    check(errors, pod.securityContext && pod.securityContext.runAsNonRoot, 'Deployment: runAsNonRoot not set');
  }
  const summary = Object.entries(kinds).map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
  if (errors.length > 0) {
    failures += errors.length;
    console.error(`overlay ${region}: ${objects.length} objects, ${errors.length} problem(s):`);
    for (const e of errors) console.error(`  - ${e}`);
  } else {
    console.log(`overlay ${region}: ${objects.length} objects valid (${summary})`);
  }
}
process.exit(failures > 0 ? 1 : 0);
