/**
 * Failures of `mlspec run` a user can act on, each with its exit code
 * (README#exit-codes): printed as a message, never as a stack.
 */
import { DataError } from "../data/errors.js";
import { ImportError } from "../../stdlib/imports/import-error.js";
import { ExportError } from "../export/export-error.js";
import { PipelineError } from "../features/raw-columns.js";
import { NetworkError } from "../model/forward.js";
import { SearchError } from "../../core/search/errors.js";
import { BackendUnavailableError, DivergedError, ResumeMismatchError, TrainConfigError, TrainDataError } from "../train/errors.js";
import { WorkspaceError } from "../workspace/errors.js";
import { TransformError } from "../../stdlib/transforms/transform-module.js";

export class RunError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export const EXIT = {
  specErrors: 1,
  usage: 2,
  gateFailed: 3,
  dataRejected: 4,
  trainingFailed: 5,
} as const;

/**
 * The exit code of an error a layer below raised for bad input, or undefined for
 * an error that is a bug (the CLI reports those as internal errors). Checked with
 * instanceof: bundlers may rename classes, so constructor names are not reliable.
 */
export function exitCodeOf(e: unknown): number | undefined {
  if (e instanceof RunError) return e.exitCode;
  if (e instanceof DataError) return EXIT.dataRejected;
  // the workspace cannot be opened or written, or a backend forced by --backend cannot load
  if (e instanceof WorkspaceError || e instanceof BackendUnavailableError) return EXIT.usage;
  const training = [PipelineError, TransformError, TrainConfigError, TrainDataError, DivergedError, ResumeMismatchError, ExportError, NetworkError, SearchError, ImportError];
  if (training.some((kind) => e instanceof kind)) return EXIT.trainingFailed;
  return undefined;
}
