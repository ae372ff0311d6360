/**
 * What every emitted manifest shares (spec/kubernetes.md): the image, where the
 * project and the workspace sit in a container, and the resources a step or a
 * server asks for. The defaults are documented there; `--requests KIND=CPU,MEMORY`
 * overrides one step kind's.
 */
export interface Resources {
  cpu: string;
  memory: string;
}

export interface ManifestOptions {
  /** The container image: mlspec and the project (spec, data, model files) in `projectDir`. */
  image: string;
  /** Where the image holds the project (default /project). */
  projectDir: string;
  /** The PersistentVolumeClaim every pod mounts as the workspace (default mlspec-workspace). */
  workspaceClaim: string;
  /** Where the workspace is mounted (default /mnt/mlspec). */
  workspaceMount: string;
  /** Resource requests by step kind (and `serve`), over the defaults. */
  requests: Record<string, Resources>;
  /** argo: a WorkflowTemplate instead of a Workflow. */
  template: boolean;
  /** argo-rollouts: the Prometheus server the analysis queries. */
  prometheus: string;
}

export const DEFAULT_OPTIONS: Omit<ManifestOptions, "image"> = {
  projectDir: "/project",
  workspaceClaim: "mlspec-workspace",
  workspaceMount: "/mnt/mlspec",
  requests: {},
  template: false,
  prometheus: "http://prometheus-server.monitoring.svc:9090",
};

/** Requests by step kind when no flag says otherwise; a search asks for one core (and 2Gi) per concurrent trial. */
export const DEFAULT_REQUESTS: Record<string, Resources> = {
  validate: { cpu: "1", memory: "2Gi" },
  profile: { cpu: "1", memory: "2Gi" },
  split: { cpu: "1", memory: "2Gi" },
  fit_features: { cpu: "1", memory: "2Gi" },
  train: { cpu: "2", memory: "4Gi" },
  import_model: { cpu: "1", memory: "2Gi" },
  search: { cpu: "1", memory: "2Gi" },
  evaluate: { cpu: "1", memory: "2Gi" },
  gate: { cpu: "1", memory: "2Gi" },
  export: { cpu: "1", memory: "2Gi" },
  register: { cpu: "1", memory: "2Gi" },
  serve: { cpu: "1", memory: "1Gi" },
};

export function requestsFor(kind: string, opts: ManifestOptions, parallel = 1): Resources {
  const given = opts.requests[kind];
  if (given) return given;
  const d = DEFAULT_REQUESTS[kind] ?? { cpu: "1", memory: "2Gi" };
  if (parallel <= 1) return d;
  const gi = Number(/^(\d+)Gi$/.exec(d.memory)?.[1] ?? 2);
  return { cpu: String(Number(d.cpu) * parallel), memory: `${gi * parallel}Gi` };
}

const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/;

/** `KIND=CPU,MEMORY` (`train=4,8Gi`); a message for anything else. */
export function parseRequests(text: string, kinds: readonly string[]): { kind: string; resources: Resources } | string {
  const m = /^([a-z_]+)=([^,]+),([^,]+)$/.exec(text.trim());
  if (!m) return `--requests takes KIND=CPU,MEMORY (e.g. train=4,8Gi), not ${JSON.stringify(text)}`;
  const [, kind, cpu, memory] = m as unknown as [string, string, string, string];
  if (!kinds.includes(kind)) return `--requests: no step kind ${kind}; one of ${kinds.join(", ")}`;
  if (!CPU.test(cpu)) return `--requests ${kind}: CPU is a number of cores or millicores (2, 0.5, 500m), not ${cpu}`;
  if (!MEMORY.test(memory)) return `--requests ${kind}: memory is a Kubernetes quantity (512Mi, 4Gi), not ${memory}`;
  return { kind, resources: { cpu, memory } };
}
