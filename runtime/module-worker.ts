/**
 * Start a worker thread whose program is one of mlspec's own modules. From
 * the TypeScript sources (tests, tsx) the module is loaded through tsx; from
 * the bundle it is the module's own bundled entry file (bin/build.mjs must list
 * it as an entry point). Returns undefined when neither can be found, so the
 * caller can do the work on the main thread instead.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * `name` is the module's file name without extension, next to the caller (`from`,
 * its import.meta.url) in the sources, or an entry of its own in dist/ when bundled.
 */
export function startModuleWorker(from: string, name: string, workerData?: unknown): Worker | undefined {
  const here = from;
  if (here.endsWith(".ts")) {
    const source = new URL(`./${name}.ts`, here);
    let tsxApi: string;
    try {
      tsxApi = pathToFileURL(createRequire(here).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
    } catch {
      return undefined; // sources without tsx installed
    }
    const bootstrap = `import { tsImport } from ${JSON.stringify(tsxApi)};\nawait tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(source.href)});\n`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
  }
  // bundled: this code sits in dist/ or dist/chunks/, the entry in dist/
  for (const candidate of [`./${name}.mjs`, `../${name}.mjs`]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return new Worker(url, { workerData });
  }
  return undefined;
}
