/** The profile step: per-column statistics of the accepted rows, stored as an artifact. */
import type { StepRunner } from "../step-context.js";

export const profileStep: StepRunner<"profile"> = {
  async run(step, ctx) {
    const { profileDataset } = await import("../../data/profile.js");
    const d = ctx.dataset(step.params.dataset);
    const profile = await profileDataset(d.validation);
    const profileSha = ctx.ws.artifacts.putJson(profile, { kind: "profile", dataset: step.params.dataset });
    ctx.reporter.step(step.id, `${profile.columns.length} columns profiled → ${profileSha.slice(0, 12)}`);
    return { dataset: { ...d, profileSha } };
  },
};
