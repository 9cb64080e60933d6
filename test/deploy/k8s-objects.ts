import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { IContainer, IPodSpec, IPodTemplateSpec } from 'kubernetes-models/v1';
import { repoRoot } from './promql-expressions';

export const k8sDir = join(repoRoot, 'deploy/k8s');
export const overlays = ['dev', 'cluster'] as const;
export type Overlay = (typeof overlays)[number];

/** One rendered Kubernetes object, as far as the checks read it; the schema packages check the rest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Each check narrows what it reads. */
  spec?: any;
  data?: Record<string, string>;
}

export interface Rendering {
  status: number | null;
  /** kubectl's warnings and errors (kustomize 5 warns about `bases:`, which kustomize 2.0 needs). */
  stderr: string;
  objects: K8sObject[];
}

/** `kubectl kustomize deploy/k8s/overlays/<overlay>`, parsed; `kubectl` may be a path to another build. */
export function renderOverlay(overlay: Overlay, kubectl = 'kubectl'): Rendering {
  const res = spawnSync(kubectl, ['kustomize', join(k8sDir, 'overlays', overlay)], { encoding: 'utf8', timeout: 60_000 });
  if (res.error) return { status: null, stderr: `${kubectl} could not run: ${res.error.message}`, objects: [] };
  const objects = parseAllDocuments(res.stdout).map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null);
  return { status: res.status, stderr: res.stderr, objects };
}

/** The line kustomize 5 prints for `bases:`; the only thing a rendering may say on stderr. */
export const basesDeprecation = /^# Warning: 'bases' is deprecated\. Please use 'resources' instead\..*$/;

/**
 * The objects of the base's resource files as written, without kubectl. The overlays change only the
 * ConfigMap and add objects, so these ScaledObjects are the deployed ones (the manifest test checks
 * that the rendered queries are the same).
 */
export function baseObjects(): K8sObject[] {
  const base = join(k8sDir, 'base');
  const kustomization = parse(readFileSync(join(base, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => parseAllDocuments(readFileSync(join(base, file), 'utf8'), { merge: true })
    .map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null));
}

/** The namespace the base puts every object in, which the ScaledObjects' queries select on. */
export function baseNamespace(): string {
  return (parse(readFileSync(join(k8sDir, 'base', 'kustomization.yaml'), 'utf8')) as { namespace: string }).namespace;
}

export interface PendingWorkQuery {
  /** The ScaledObject's name, which is the worker Deployment's. */
  scaledObject: string;
  expr: string;
  threshold: number;
}

/** The Prometheus query of every KEDA ScaledObject's prometheus trigger. */
export function pendingWorkQueries(objects: K8sObject[]): PendingWorkQuery[] {
  return objects.filter((o) => o.kind === 'ScaledObject').flatMap((o) => (o.spec.triggers as Array<{ type: string; metadata: Record<string, string> }>)
    .filter((t) => t.type === 'prometheus')
    .map((t) => ({ scaledObject: o.metadata.name, expr: t.metadata.query, threshold: Number(t.metadata.threshold) })));
}

export interface Workload {
  object: K8sObject;
  template: IPodTemplateSpec;
  pod: IPodSpec;
  containers: IContainer[];
}

/** Every Deployment and StatefulSet with its pod template and all its containers (init ones too). */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((object) => {
    const template = object.spec.template as IPodTemplateSpec;
    const pod = template.spec as IPodSpec;
    return { object, template, pod, containers: [...(pod.initContainers ?? []), ...pod.containers] };
  });
}

/** The turnq service a container runs (`node dist/services/<service>/main.js`), or null for another image. */
export function serviceOf(container: IContainer): string | null {
  const m = /^dist\/services\/([a-z-]+)\/main\.js$/.exec(container.command?.[1] ?? '');
  return container.image?.startsWith('turnq') && container.command?.[0] === 'node' && m ? m[1] : null;
}

/** A container's environment as the process sees it: the ConfigMaps it loads, then its own `env` values. */
export function plainEnv(container: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const cm = source.configMapRef && objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef?.name);
    if (cm) Object.assign(env, cm.data);
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/** Whether every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
