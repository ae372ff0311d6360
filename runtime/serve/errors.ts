/**
 * Errors serving raises. `ServeError` is a problem a user can fix (a spec with
 * errors, no version behind an alias, a port in use): the CLI prints its
 * message as one line. `RequestError` is a bad request, answered with a 4xx
 * and the list of problems. `ModelRunError` and `DeadlineError` are the
 * primary failing a request, which the fallback then answers.
 */

export class ServeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ServeError";
  }
}

/** One thing wrong with a request: where (a JSON pointer into the body) and what. */
export interface RequestProblem {
  path: string;
  message: string;
}

export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems: RequestProblem[] = [],
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** onnxruntime failed on a batch (or the model's output was not what its metadata says). */
export class ModelRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelRunError";
  }
}

/** A request's deadline passed before the model answered it. */
export class DeadlineError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "DeadlineError";
  }
}

/** The model was closed (server shutting down) before it ran the request. */
export class ModelClosedError extends Error {
  constructor(model: string) {
    super(`${model} is shutting down`);
    this.name = "ModelClosedError";
  }
}

/** Neither the primary nor a fallback could answer: 503 (a model failed, or shutting down) or 504 (too slow). */
export class PredictionUnavailableError extends Error {
  constructor(
    readonly statusCode: 503 | 504,
    message: string,
  ) {
    super(message);
    this.name = "PredictionUnavailableError";
  }
}
