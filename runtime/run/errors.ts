/**
 * Failures of `mlspec run` a user can act on, each with its exit code
 * (README#exit-codes): printed as a message, never as a stack.
 */
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
