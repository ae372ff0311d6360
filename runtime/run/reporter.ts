/**
 * What `mlspec run` prints: a progress bar per epoch on a terminal, plain lines
 * otherwise, nothing but errors with --quiet, and with --json one summary object
 * on stdout (progress goes to stderr).
 */
export interface ReporterOptions {
  quiet?: boolean;
  json?: boolean;
  tty?: boolean;
  out?: NodeJS.WritableStream;
}

export class Reporter {
  private readonly out: NodeJS.WritableStream;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private barOpen = false;

  constructor(opts: ReporterOptions = {}) {
    // with --json, stdout carries only the summary
    this.out = opts.out ?? (opts.json ? process.stderr : process.stdout);
    this.tty = opts.tty ?? ((this.out as NodeJS.WriteStream).isTTY === true && !opts.json);
    this.quiet = opts.quiet === true;
  }

  line(text: string): void {
    if (this.quiet) return;
    this.endBar();
    this.out.write(text + "\n");
  }

  step(id: string, text: string): void {
    this.line(`${id.padEnd(28)} ${text}`);
  }

  epoch(model: string, epoch: number, epochs: number, loss: number, val: Record<string, number>): void {
    if (this.quiet) return;
    const metrics = Object.entries(val)
      .map(([k, v]) => `val.${k} ${fmt(v)}`)
      .join("  ");
    if (this.tty) {
      const width = 24;
      const done = Math.round((epoch / epochs) * width);
      const bar = "█".repeat(done) + "░".repeat(width - done);
      this.out.write(`\r  ${model} ${bar} ${String(epoch).padStart(String(epochs).length)}/${epochs}  loss ${fmt(loss)}  ${metrics}\x1b[K`);
      this.barOpen = true;
    } else {
      this.out.write(`  ${model} epoch ${epoch}/${epochs}  loss ${fmt(loss)}  ${metrics}\n`);
    }
  }

  endBar(): void {
    if (this.barOpen) {
      this.out.write("\n");
      this.barOpen = false;
    }
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

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return v.toFixed(1);
  return v.toFixed(4);
}
