/**
 * Adaptive batching: requests that arrive while the model is busy are merged
 * into one model run.
 *
 * - When the model is idle a request runs at once, alone: no waiting at low load.
 * - While runs are in flight, rows queue. A batch leaves as soon as a run slot
 *   is free and either `maxBatch` rows are queued or the oldest queued row has
 *   waited `maxWaitMs`.
 * - A request larger than `maxBatch` is cut into chunks of `maxBatch`; it is
 *   answered when all its chunks are, and fails if any fails.
 * - A request whose deadline has passed by the time its batch leaves is not
 *   run (it fails with DeadlineError), so a backlog does not spend model time
 *   on answers nobody waits for.
 *
 * `maxInFlight` is how many runs may overlap: 1 for a model on the event-loop
 * thread (runs cannot overlap there), 2 for a worker thread (the next batch is
 * ready when the current one ends).
 */
import { DeadlineError, ModelClosedError } from "./errors.js";

export interface BatchPolicy {
  maxBatch: number;
  maxWaitMs: number;
  maxInFlight: number;
}

export interface RowRunner<Row, Out> {
  /** Run the rows of some requests; resolves when every one has an answer. */
  submit(rows: readonly Row[], deadline?: number): Promise<Out[]>;
  /** Rows waiting for a run. */
  readonly queuedRows: number;
  /** Model runs under way. */
  readonly inFlight: number;
  /** Resolves once nothing is queued or running; refuses new rows from then on. */
  close(): Promise<void>;
}

interface Item<Row, Out> {
  rows: readonly Row[];
  deadline: number;
  enqueuedAt: number;
  resolve(out: Out[]): void;
  reject(error: Error): void;
}

const now = () => performance.now();

/** Runs `rows` as one batch. `onBatch` sees the size of every run (for metrics). */
export type BatchRun<Row, Out> = (rows: readonly Row[]) => Promise<Out[]>;

export class AdaptiveBatcher<Row, Out> implements RowRunner<Row, Out> {
  private readonly queue: Item<Row, Out>[] = [];
  private head = 0;
  private queued = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: BatchRun<Row, Out>,
    private readonly policy: BatchPolicy,
    private readonly label: string,
    private readonly onBatch?: (rows: number) => void,
  ) {
    if (!(policy.maxBatch >= 1) || !(policy.maxInFlight >= 1) || !(policy.maxWaitMs >= 0)) {
      throw new RangeError(`bad batch policy ${JSON.stringify(policy)}`);
    }
  }

  get queuedRows(): number {
    return this.queued;
  }

  get inFlight(): number {
    return this.running;
  }

  submit(rows: readonly Row[], deadline = Infinity): Promise<Out[]> {
    if (this.closing) return Promise.reject(new ModelClosedError(this.label));
    if (rows.length === 0) return Promise.resolve([]);
    const { maxBatch } = this.policy;
    if (rows.length <= maxBatch) {
      const promise = new Promise<Out[]>((resolve, reject) => this.enqueue({ rows, deadline, enqueuedAt: now(), resolve, reject }));
      this.pump();
      return promise;
    }
    const chunks: Promise<Out[]>[] = [];
    for (let start = 0; start < rows.length; start += maxBatch) {
      const part = rows.slice(start, start + maxBatch);
      chunks.push(new Promise<Out[]>((resolve, reject) => this.enqueue({ rows: part, deadline, enqueuedAt: now(), resolve, reject })));
    }
    this.pump();
    return Promise.all(chunks).then((parts) => parts.flat());
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.queued === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(item: Item<Row, Out>): void {
    this.queue.push(item);
    this.queued += item.rows.length;
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  private pump(): void {
    const { maxBatch, maxWaitMs, maxInFlight } = this.policy;
    while (this.pending() > 0 && this.running < maxInFlight) {
      if (this.running > 0 && this.queued < maxBatch && !this.closing) {
        const waited = now() - this.queue[this.head]!.enqueuedAt;
        if (waited < maxWaitMs) {
          this.timer ??= setTimeout(() => {
            this.timer = null;
            this.pump();
          }, Math.max(1, Math.ceil(maxWaitMs - waited)));
          return;
        }
      }
      this.dispatch();
    }
  }

  private dispatch(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const { maxBatch } = this.policy;
    const t = now();
    const items: Item<Row, Out>[] = [];
    let size = 0;
    while (this.pending() > 0) {
      const item = this.queue[this.head]!;
      if (items.length > 0 && size + item.rows.length > maxBatch) break;
      this.head++;
      this.queued -= item.rows.length;
      if (item.deadline <= t) {
        item.reject(new DeadlineError(Math.round(item.deadline - item.enqueuedAt)));
        continue;
      }
      items.push(item);
      size += item.rows.length;
    }
    // keep the queue array from growing without bound
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (items.length === 0) {
      this.settleIfIdle();
      return;
    }
    const rows = items.length === 1 ? items[0]!.rows : items.flatMap((item) => item.rows);
    this.running++;
    this.onBatch?.(rows.length);
    let result: Promise<Out[]>;
    try {
      result = this.run(rows);
    } catch (error) {
      result = Promise.reject(error as Error);
    }
    result.then(
      (outputs) => {
        let offset = 0;
        for (const item of items) {
          item.resolve(items.length === 1 ? outputs : outputs.slice(offset, offset + item.rows.length));
          offset += item.rows.length;
        }
        this.finished();
      },
      (error: Error) => {
        for (const item of items) item.reject(error);
        this.finished();
      },
    );
  }

  private finished(): void {
    this.running--;
    this.pump();
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.running === 0 && this.pending() === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

/** No batching: every request is its own model run, started at once. */
export class DirectRunner<Row, Out> implements RowRunner<Row, Out> {
  private running = 0;
  private closing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: BatchRun<Row, Out>,
    private readonly label: string,
    private readonly onBatch?: (rows: number) => void,
  ) {}

  get queuedRows(): number {
    return 0;
  }

  get inFlight(): number {
    return this.running;
  }

  submit(rows: readonly Row[], deadline = Infinity): Promise<Out[]> {
    if (this.closing) return Promise.reject(new ModelClosedError(this.label));
    if (deadline <= now()) return Promise.reject(new DeadlineError(0));
    this.running++;
    this.onBatch?.(rows.length);
    let result: Promise<Out[]>;
    try {
      result = this.run(rows);
    } catch (error) {
      result = Promise.reject(error as Error);
    }
    const done = () => {
      this.running--;
      if (this.running === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    };
    result.then(done, done);
    return result;
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
