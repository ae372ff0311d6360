/**
 * The sampler and pruner a plan's search names, looked up in their registries
 * (stdlib/samplers, stdlib/pruners). The study loop knows no strategy by name;
 * a new one is its stdlib folder and one registry line.
 */
import { SearchError } from "../../core/search/errors.js";
import { rejectUnknownOptions } from "../../core/search/strategy-options.js";
import { pruners as builtinPruners } from "../../stdlib/pruners/index.js";
import type { Pruner, PrunerModule, PrunerSettings } from "../../stdlib/pruners/pruner-module.js";
import { samplers as builtinSamplers } from "../../stdlib/samplers/index.js";
import type { Sampler, SamplerModule, SamplerSettings } from "../../stdlib/samplers/sampler-module.js";
import { studyParams } from "../../stdlib/samplers/shared/study-params.js";

export type SamplerRegistry = Readonly<Record<string, SamplerModule>>;
export type PrunerRegistry = Readonly<Record<string, PrunerModule>>;

/** The study's own settings in a plan's sampler (the signature's `timeout` is `timeoutMs` there). */
const STUDY_SETTINGS = new Set(["trials", "parallel", "seed", "timeoutMs"]);
const STUDY_PARAMS = new Set(studyParams.map((p) => p.name));

function lookUp<M>(what: string, kind: unknown, registry: Readonly<Record<string, M>>): M {
  if (typeof kind !== "string" || !Object.hasOwn(registry, kind)) {
    throw new SearchError(`unknown ${what} ${JSON.stringify(kind)}; expected one of ${Object.keys(registry).join(", ")}`);
  }
  return registry[kind]!;
}

export async function createSampler(settings: SamplerSettings, registry: SamplerRegistry = builtinSamplers): Promise<Sampler> {
  const module = lookUp("sampler", settings.kind, registry);
  const own = Object.fromEntries(Object.entries(settings).filter(([key]) => !STUDY_SETTINGS.has(key)));
  rejectUnknownOptions(`${settings.kind} sampler`, own, module.signature.params.filter((p) => !STUDY_PARAMS.has(p.name)).map((p) => p.name));
  return module.create(settings);
}

/** null means no pruning (also for an absent pruner). */
export async function createPruner(settings: PrunerSettings | null | undefined, registry: PrunerRegistry = builtinPruners): Promise<Pruner | null> {
  if (settings === null || settings === undefined) return null;
  const module = lookUp("pruner", settings.kind, registry);
  rejectUnknownOptions(`${settings.kind} pruner`, settings.params, module.signature.params.map((p) => p.name));
  return module.create(settings);
}
