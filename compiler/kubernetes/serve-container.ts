/** The container that runs `mlspec serve` for one serve block: in an Argo Rollout's pods and as KServe's custom predictor. */
import type { Plan, ServePlan } from "../plan/schema.js";
import type { Manifest } from "./argo-workflow.js";
import { type ManifestOptions, requestsFor } from "./options.js";

export function serveContainer(plan: Plan, serve: ServePlan, opts: ManifestOptions, name: string): Manifest {
  const port = serve.http.port;
  const probe = (path: string) => ({ httpGet: { path, port }, periodSeconds: 5, failureThreshold: 3 });
  return {
    name,
    image: opts.image,
    workingDir: opts.projectDir,
    command: ["mlspec"],
    args: ["serve", `${opts.projectDir}/${plan.spec.file}`, "--workspace", opts.workspaceMount, "--host", "0.0.0.0", "--port", String(port)],
    ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
    // ready once every model is loaded and warm; not ready while it drains on SIGTERM
    readinessProbe: probe("/readyz"),
    livenessProbe: probe("/healthz"),
    resources: { requests: { ...requestsFor("serve", opts) } },
    volumeMounts: [{ name: "workspace", mountPath: opts.workspaceMount }],
  };
}

export function workspaceVolume(opts: ManifestOptions): Manifest {
  return { name: "workspace", persistentVolumeClaim: { claimName: opts.workspaceClaim } };
}
