// Bundles the CLI and the library with esbuild. The CLI must start fast: chevrotain
// alone takes ~400 ms to load as hundreds of ES modules, ~50 ms bundled. Heavy
// runtime libraries stay external and are loaded only by the commands that need them.
import { build } from "esbuild";
import { rmSync } from "node:fs";

const external = [
  "@duckdb/*",
  "@tensorflow/*",
  "onnxruntime-node",
  "better-sqlite3",
  "fastify",
  "prom-client",
  "onnx-proto",
  "protobufjs",
  "zod",
  "ajv",
  // the report's charting libraries: dependencies, loaded only by `mlspec report` and GET /report
  "vega",
  "vega-lite",
];

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: {
    mlspec: "bin/mlspec.ts",
    index: "index.ts",
    // worker threads start from files of their own
    "trial-worker": "runtime/run/trial-worker.ts",
    "prediction-log-thread": "runtime/serve/prediction-log-thread.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true, // lazily imported runtime modules become chunks loaded on demand
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  external,
  sourcemap: "linked",
  banner: { js: "import { createRequire as __mlspecRequire } from 'node:module'; const require = __mlspecRequire(import.meta.url);" },
  logLevel: "warning",
});
