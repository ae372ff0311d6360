/**
 * The register step: a version of the model in the registry, registered when
 * its gates passed and rejected otherwise, with its monitoring reference, and
 * the alias moved (`champion` for a first version); a --resume finds the
 * version the interrupted invocation made.
 */
import { predictPart } from "../predict-part.js";
import type { ModelState, StepContext, StepRunner } from "../step-context.js";

export const registerStep: StepRunner<"register"> = {
  async run(step, ctx) {
    const m = ctx.model(step.params.model);
    const reg = ctx.ws.registry;
    const f = ctx.features(m.features);
    const dataHash = ctx.dataHash(f.dataset);
    const status: "registered" | "rejected" = m.gate.passed ? "registered" : "rejected";
    const columns = f.columns;
    // a trained network's answers on the training rows, or an imported graph's (from the import step)
    const trainOutputs = m.network ? await predictPart(m.network, m.task, f, "train") : m.imported?.predictions.train;
    const reference = trainOutputs ? await monitoringReference(m, trainOutputs, columns.filter((c) => c.name !== m.task.target).map((c) => c.name), ctx) : undefined;
    let gate = m.gate;
    // the version, its monitoring reference and its alias in one transaction: a crash leaves all or none
    const registered = reg.db.transaction(() => {
      // a register step re-run by --resume finds the version it made (and leaves the aliases as they are)
      const made = reg.versionMadeBy(m.model, m.runId, m.onnxSha!);
      if (made) {
        gate = { passed: made.status === "registered", reasons: made.reasons };
        return { version: made.version, status: made.status, alias: made.aliases.find((a) => a === step.params.alias || a === step.params.aliasWhenNone), again: true };
      }
      const version = reg.registerVersion({
        name: m.model,
        runId: m.runId,
        status,
        metrics: m.metrics,
        reasons: m.gate.reasons,
        artifactSha256: m.onnxSha!,
        specHash: ctx.plan.specHash,
        dataHash,
        inputSchema: { columns: columns.filter((c) => c.name !== m.task.target) },
        ...(m.baseline?.beats !== undefined ? { beatsBaseline: m.baseline.beats } : {}),
      });
      reference?.store(version);
      if (status !== "registered") return { version, status, alias: undefined, again: false };
      let hasChampion = true;
      try {
        reg.resolve(m.model, "champion");
      } catch {
        hasChampion = false;
      }
      const alias = hasChampion ? step.params.alias : step.params.aliasWhenNone;
      reg.setAlias(m.model, version, alias, `run ${m.runId}`);
      return { version, status, alias, again: false };
    });
    const { version, alias, again, ...outcome } = registered.immediate();
    const made: ModelState = { ...m, gate, version, status: outcome.status, ...(alias ? { alias } : {}) };
    const what = again ? `${m.model} v${version} was already registered by run ${m.runId}` : `${m.model} v${version} ${outcome.status}`;
    ctx.reporter.step(step.id, `${what}${made.alias ? ` as @${made.alias}` : " (aliases unchanged)"}`);
    return { model: made };
  },
};

/** A seeded sample of the training rows and the model's predictions on them (spec/language.md#drift-tests). */
async function monitoringReference(m: ModelState, outputs: Float32Array, inputColumns: string[], ctx: StepContext): Promise<{ store(version: number): void }> {
  const { buildMonitoringReference } = await import("../../monitor/reference.js");
  const { storeMonitoringReference } = await import("../../monitor/monitor-store.js");
  const f = ctx.features(m.features);
  const d = ctx.dataset(f.dataset);
  const reference = buildMonitoringReference({
    model: m.model,
    version: 0,
    task: m.task,
    classes: m.classes,
    seed: d.splitSpec?.seed ?? 0,
    profileSha256: d.profileSha ?? null,
    train: f.raw.train,
    inputColumns,
    outputs,
  });
  return { store: (version) => void storeMonitoringReference(ctx.ws.registry.db, ctx.ws.artifacts, { ...reference, version }) };
}
