/**
 * `mlspec compile SPEC --target argo|argo-rollouts|kserve --image IMAGE`: the
 * spec's plan as Kubernetes manifests (spec/kubernetes.md), printed as one
 * multi-document YAML or written to `--out DIR`, one file a manifest. Nothing
 * here loads tfjs, onnxruntime or DuckDB.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { CliError } from "../cli-error.js";
import { allowedDirs, allowReadOption } from "./read-access.js";

interface CompileFlags {
  target: string;
  image?: string;
  out?: string;
  template?: boolean;
  requests: string[];
  workspaceClaim?: string;
  projectDir?: string;
  prometheus?: string;
  allowRead?: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerCompile(program: Command, setExit: (code: number) => void): void {
  program
    .command("compile")
    .description("emit the spec as Kubernetes manifests: an Argo Workflow of `mlspec step` tasks, an Argo Rollout, or KServe InferenceServices")
    .argument("<file>", "spec file")
    .addOption(new Option("--target <engine>", "what to emit").choices(["argo", "argo-rollouts", "kserve"]).makeOptionMandatory())
    .option("--image <image>", "container image with mlspec and the project (spec, data) in --project-dir")
    .option("-o, --out <dir>", "write one file per manifest into this folder instead of printing them")
    .option("--template", "argo: a WorkflowTemplate instead of a Workflow")
    .option("--requests <kind=cpu,memory>", "resource requests of a step kind (or serve), e.g. train=4,8Gi; repeatable", collect, [])
    .option("--workspace-claim <name>", "PersistentVolumeClaim mounted as the workspace (default mlspec-workspace)")
    .option("--project-dir <dir>", "where the image holds the project (default /project)")
    .option("--prometheus <url>", "argo-rollouts: the Prometheus server the analysis queries")
    .addOption(allowReadOption())
    .action(async (file: string, flags: CompileFlags) => {
      if (flags.image === undefined || flags.image.trim() === "") throw new CliError("--image IMAGE is required: the container image that holds mlspec and the project");
      const { loadPlan } = await import("../../compiler/plan/load-plan.js");
      const { serializePlan } = await import("../../compiler/plan/lower.js");
      const { DEFAULT_OPTIONS, DEFAULT_REQUESTS, parseRequests } = await import("../../compiler/kubernetes/options.js");
      const { manifestsFor, toYaml } = await import("../../compiler/kubernetes/index.js");
      const requests: Record<string, { cpu: string; memory: string }> = {};
      for (const text of flags.requests) {
        const r = parseRequests(text, Object.keys(DEFAULT_REQUESTS));
        if (typeof r === "string") throw new CliError(r);
        requests[r.kind] = r.resources;
      }
      if (flags.projectDir !== undefined && !flags.projectDir.startsWith("/")) throw new CliError(`--project-dir is a path inside the image, absolute (e.g. /project), not ${flags.projectDir}`);
      if (flags.prometheus !== undefined && !/^https?:\/\/\S+$/.test(flags.prometheus)) throw new CliError(`--prometheus takes an http(s) URL, not ${flags.prometheus}`);
      // a spec with errors is a SpecLoadError, reported by the CLI's main as every command's
      const { plan } = loadPlan(file, { allowRead: allowedDirs(flags.allowRead) });
      const out = manifestsFor(flags.target as "argo", plan, serializePlan(plan), {
        ...DEFAULT_OPTIONS,
        image: flags.image,
        requests,
        template: flags.template === true,
        ...(flags.workspaceClaim !== undefined ? { workspaceClaim: flags.workspaceClaim } : {}),
        ...(flags.projectDir !== undefined ? { projectDir: flags.projectDir } : {}),
        ...(flags.prometheus !== undefined ? { prometheus: flags.prometheus } : {}),
      });
      for (const n of out.notes) process.stderr.write(`note: ${n}\n`);
      if (flags.out === undefined) {
        process.stdout.write(out.files.map((f) => toYaml(f.manifest)).join("---\n"));
      } else {
        try {
          fs.mkdirSync(flags.out, { recursive: true });
          for (const f of out.files) {
            const target = path.join(flags.out, f.file);
            fs.writeFileSync(`${target}.tmp-${process.pid}`, toYaml(f.manifest));
            fs.renameSync(`${target}.tmp-${process.pid}`, target);
          }
        } catch (e) {
          throw new CliError(`cannot write into ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stderr.write(`${out.files.length} manifest${out.files.length === 1 ? "" : "s"} written to ${flags.out}: ${out.files.map((f) => f.file).join(", ")}\n`);
      }
      setExit(0);
    });
}
