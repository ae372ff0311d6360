/**
 * The report's charts as Vega-Lite specs, rendered to SVG in Node by vega (no canvas, no
 * browser): the page holds finished SVG and needs no script. Series differ by dash or
 * shape as well as by colour, so every chart reads in greyscale.
 */
import type { TopLevelSpec } from "vega-lite";

export type Row = Record<string, string | number | boolean | null>;

export interface Chart {
  /** What the chart shows, in words: its caption and its SVG's accessible name. */
  title: string;
  spec: TopLevelSpec;
}

const WIDTH = 360;
const HEIGHT = 180;
/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const base = (title: string, values: Row[]) =>
  ({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    // the title is the figure's caption and the SVG's accessible name, not drawn twice
    description: title,
    data: { values },
    config: { font: "sans-serif", range: { category: PALETTE }, axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { orient: "bottom" } },
  }) as const;

/** A histogram from counts: numeric bins (start, end) or categories. */
export function histogramChart(title: string, bins: Array<{ label: string; start?: number; end?: number; count: number }>, numeric: boolean): Chart {
  const values = bins.map((b) => ({ label: b.label, start: b.start ?? null, end: b.end ?? null, count: b.count }));
  const spec: TopLevelSpec = numeric
    ? {
        ...base(title, values),
        mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
        encoding: {
          x: { field: "start", type: "quantitative", bin: { binned: true }, title: "value" },
          x2: { field: "end" },
          y: { field: "count", type: "quantitative", title: "rows" },
          color: { value: PALETTE[0] },
        },
      }
    : {
        ...base(title, values),
        mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
        encoding: {
          x: { field: "label", type: "nominal", sort: null, title: "value" },
          y: { field: "count", type: "quantitative", title: "rows" },
          color: { value: PALETTE[0] },
        },
      };
  return { title, spec };
}

/** Lines per series over epochs; the best epoch as a dashed rule. */
export function curveChart(title: string, points: Array<{ epoch: number; series: string; value: number }>, best: number | null, yTitle: string): Chart {
  const spec = {
    ...base(title, points),
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch" },
          y: { field: "value", type: "quantitative", title: yTitle, scale: { zero: false } },
          color: { field: "series", type: "nominal", title: null },
          strokeDash: { field: "series", type: "nominal", title: null },
          shape: { field: "series", type: "nominal", title: null },
        },
      },
      ...(best === null
        ? []
        : [
            {
              data: { values: [{ epoch: best, label: `best epoch ${best}` }] },
              layer: [
                { mark: { type: "rule", strokeDash: [2, 2], color: "#555" }, encoding: { x: { field: "epoch", type: "quantitative" } } },
                { mark: { type: "text", align: "left", dx: 3, dy: -4, fontSize: 10 }, encoding: { x: { field: "epoch", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } } },
              ],
            },
          ]),
    ],
  } as unknown as TopLevelSpec;
  return { title, spec };
}

/** Trials in order: the objective as points (shape by state) and the best so far as a step line. */
export function trialsChart(title: string, trials: Array<{ number: number; state: string; value: number | null; bestSoFar: number | null }>, objective: string): Chart {
  const points = trials.filter((t) => t.value !== null).map((t) => ({ trial: t.number, state: t.state, value: t.value }));
  const best = trials.filter((t) => t.bestSoFar !== null).map((t) => ({ trial: t.number, best: t.bestSoFar, series: "best so far" }));
  const spec = {
    ...base(title, points),
    layer: [
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "trial", type: "quantitative", title: "trial", axis: { tickMinStep: 1 } },
          y: { field: "value", type: "quantitative", title: objective, scale: { zero: false } },
          shape: { field: "state", type: "nominal", title: "trial state" },
          color: { field: "state", type: "nominal", title: "trial state" },
        },
      },
      {
        data: { values: best },
        mark: { type: "line", interpolate: "step-after", color: "#000", strokeDash: [4, 2] },
        encoding: { x: { field: "trial", type: "quantitative" }, y: { field: "best", type: "quantitative" } },
      },
    ],
  } as unknown as TopLevelSpec;
  return { title, spec };
}

/** One parameter's sampled value against the objective. */
export function parameterChart(title: string, points: Array<{ value: number | string; objective: number; state: string }>, parameter: string, objective: string, log: boolean): Chart {
  const numeric = points.every((p) => typeof p.value === "number");
  const spec: TopLevelSpec = {
    ...base(title, points),
    height: 140,
    mark: { type: "point", filled: true, size: 50 },
    encoding: {
      x: numeric
        ? { field: "value", type: "quantitative", title: parameter, scale: log ? { type: "log" } : { zero: false } }
        : { field: "value", type: "nominal", title: parameter },
      y: { field: "objective", type: "quantitative", title: objective, scale: { zero: false } },
      shape: { field: "state", type: "nominal", title: "trial state" },
      color: { field: "state", type: "nominal", title: "trial state" },
    },
  };
  return { title, spec };
}

/** Alias moves on a time axis: a step line per alias, the version it pointed at. */
export function aliasTimelineChart(title: string, moves: Array<{ at: string; alias: string; version: number | null }>): Chart {
  const spec: TopLevelSpec = {
    ...base(title, moves),
    height: 120,
    mark: { type: "line", interpolate: "step-after", point: { size: 60, filled: true } },
    encoding: {
      x: { field: "at", type: "temporal", title: "time (UTC)", timeUnit: "utcyearmonthdatehoursminutesseconds" },
      y: { field: "version", type: "quantitative", title: "version", axis: { tickMinStep: 1 }, scale: { zero: false } },
      color: { field: "alias", type: "nominal", title: "alias" },
      strokeDash: { field: "alias", type: "nominal", title: "alias" },
      shape: { field: "alias", type: "nominal", title: "alias" },
    },
  };
  return { title, spec };
}

/** Reference and live shares side by side per bin. */
export function driftChart(title: string, bins: Array<{ bin: string; reference: number; live: number }>): Chart {
  const values = bins.flatMap((b) => [
    { bin: b.bin, sample: "reference", share: b.reference },
    { bin: b.bin, sample: "live", share: b.live },
  ]);
  const spec: TopLevelSpec = {
    ...base(title, values),
    height: 140,
    mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
    encoding: {
      x: { field: "bin", type: "nominal", sort: null, title: "bin (start) or value" },
      xOffset: { field: "sample", type: "nominal" },
      y: { field: "share", type: "quantitative", title: "share of rows", axis: { format: "%" } },
      // dark blue and light orange: told apart in greyscale too, and always in this order
      color: { field: "sample", type: "nominal", title: null, scale: { domain: ["reference", "live"] } },
    },
  };
  return { title, spec };
}

/** Rollout transitions over time, one row per state reached. */
export function rolloutTimelineChart(title: string, events: Array<{ at: string; to: string }>): Chart {
  const spec: TopLevelSpec = {
    ...base(title, events.map((e, i) => ({ ...e, order: i }))),
    height: Math.max(80, 22 * new Set(events.map((e) => e.to)).size),
    mark: { type: "line", interpolate: "step-after", point: { size: 60, filled: true }, color: PALETTE[0] },
    encoding: {
      x: { field: "at", type: "temporal", title: "time (UTC)", timeUnit: "utcyearmonthdatehoursminutesseconds" },
      y: { field: "to", type: "nominal", title: "state", sort: { field: "order", op: "min" } },
      order: { field: "order", type: "quantitative" },
    },
  };
  return { title, spec };
}

/** The candidate's weight over time, as a step line. */
export function candidateWeightChart(title: string, points: Array<{ at: string; state: string; weight: number }>): Chart {
  const spec: TopLevelSpec = {
    ...base(title, points),
    height: 120,
    mark: { type: "line", interpolate: "step-after", point: { size: 60, filled: true }, color: PALETTE[0] },
    encoding: {
      x: { field: "at", type: "temporal", title: "time (UTC)", timeUnit: "utcyearmonthdatehoursminutesseconds" },
      y: { field: "weight", type: "quantitative", title: "candidate weight", axis: { format: "%" }, scale: { domain: [0, 1] } },
    },
  };
  return { title, spec };
}

/** Traffic per arm now. */
export function weightsChart(title: string, weights: Record<string, number>): Chart {
  const spec: TopLevelSpec = {
    ...base(title, Object.entries(weights).map(([arm, weight]) => ({ arm, weight }))),
    height: 80,
    mark: { type: "bar", stroke: "#222", strokeWidth: 0.5 },
    encoding: {
      y: { field: "arm", type: "nominal", title: null },
      x: { field: "weight", type: "quantitative", title: "share of traffic", axis: { format: "%" }, scale: { domain: [0, 1] } },
      color: { value: PALETTE[0] },
    },
  };
  return { title, spec };
}

let vegaModules: Promise<[typeof import("vega"), typeof import("vega-lite")]> | undefined;

/** The chart as an SVG element (vega and vega-lite load on the first call). */
export async function renderSvg(chart: Chart): Promise<string> {
  vegaModules ??= Promise.all([import("vega"), import("vega-lite")]);
  const [vega, vl] = await vegaModules;
  // a chart's warnings (a dropped scale option) are for whoever writes the specs: the tests, not the user's terminal
  const compiled = vl.compile(chart.spec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
