/**
 * What `mlspec run` prints: on a terminal one progress line per model, rewritten each
 * epoch (epoch, loss, the watched metric, ETA); otherwise a line for the first epoch,
 * every 10% of the epochs and the last one run (every epoch with --verbose); nothing
 * but errors with --quiet, and with --json one summary object on stdout (progress goes
 * to stderr).
 */
export interface ReporterOptions {
  quiet?: boolean;
  json?: boolean;
  tty?: boolean;
  /** `--verbose`: a line for every epoch, off a terminal too. */
  verbose?: boolean;
  out?: NodeJS.WritableStream;
  /** Milliseconds, for the ETA; tests inject one. */
  clock?: () => number;
}

/** Off a terminal, an epoch line every this share of the epochs. */
const EPOCH_LINE_SHARE = 0.1;

export class Reporter {
  private readonly out: NodeJS.WritableStream;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly verbose: boolean;
  private readonly clock: () => number;
  private barOpen = false;
  /** Per model: when its first reported epoch ended, and which epoch that was (for the ETA). */
  private readonly started = new Map<string, { at: number; epoch: number }>();
  /** Off a terminal: per model, the latest epoch line not printed yet, printed before anything else is. */
  private readonly pending = new Map<string, string>();

  constructor(opts: ReporterOptions = {}) {
    // with --json, stdout carries only the summary
    this.out = opts.out ?? (opts.json ? process.stderr : process.stdout);
    this.tty = opts.tty ?? ((this.out as NodeJS.WriteStream).isTTY === true && !opts.json);
    this.quiet = opts.quiet === true;
    this.verbose = opts.verbose === true;
    this.clock = opts.clock ?? (() => performance.now());
  }

  line(text: string): void {
    if (this.quiet) return;
    this.endBar();
    this.out.write(text + "\n");
  }

  step(id: string, text: string): void {
    this.line(`${id.padEnd(28)} ${text}`);
  }

  /**
   * One epoch of a model's training. `watch` is the metric early stopping watches
   * (`val.auc`); the terminal line shows it alone, plain lines show every metric.
   */
  epoch(model: string, epoch: number, epochs: number, loss: number, val: Record<string, number>, watch?: string): void {
    if (this.quiet) return;
    const now = this.clock();
    const start = this.started.get(model);
    if (!start) this.started.set(model, { at: now, epoch });
    const width = String(epochs).length;
    if (this.tty) {
      const watched = watch && val[watch.replace(/^val\./, "")] !== undefined ? `  ${watch} ${fmt(val[watch.replace(/^val\./, "")]!)}` : "";
      const left = epochs - epoch;
      const eta = start && epoch > start.epoch && left > 0 ? `  ETA ${duration(((now - start.at) / (epoch - start.epoch)) * left)}` : "";
      const barWidth = 24;
      const done = Math.round((epoch / epochs) * barWidth);
      const bar = "█".repeat(done) + "░".repeat(barWidth - done);
      this.out.write(`\r  ${model} ${bar} epoch ${String(epoch).padStart(width)}/${epochs}  loss ${fmt(loss)}${watched}${eta}\x1b[K`);
      this.barOpen = true;
      return;
    }
    const metrics = Object.entries(val)
      .map(([k, v]) => `  val.${k} ${fmt(v)}`)
      .join("");
    const text = `  ${model} epoch ${epoch}/${epochs}  loss ${fmt(loss)}${metrics}`;
    const every = Math.max(1, Math.ceil(epochs * EPOCH_LINE_SHARE));
    if (this.verbose || !start || epoch % every === 0 || epoch === epochs) {
      this.pending.delete(model);
      this.out.write(text + "\n");
    } else this.pending.set(model, text);
  }

  /** Ends a terminal's progress line, or prints the last epoch line held back. */
  endBar(): void {
    if (this.barOpen) {
      this.out.write("\n");
      this.barOpen = false;
    }
    for (const text of this.pending.values()) this.out.write(text + "\n");
    this.pending.clear();
  }

  table(headers: string[], rows: string[][]): void {
    if (this.quiet) return;
    this.endBar();
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const lineOf = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    this.out.write(lineOf(headers) + "\n" + widths.map((w) => "-".repeat(w)).join("  ") + "\n");
    for (const r of rows) this.out.write(lineOf(r) + "\n");
  }
}

/** `12s`, `3m 05s`: an ETA, to the second. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return v.toFixed(1);
  return v.toFixed(4);
}
