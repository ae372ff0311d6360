/** Errors training reports to the user; the CLI prints their messages. */

/** The training config is malformed or asks for something that does not exist. */
export class TrainConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainConfigError";
  }
}

/** The training data does not fit the config (shapes, labels, NaN). */
export class TrainDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainDataError";
  }
}

/** The loss became NaN or infinite. */
export class DivergedError extends Error {
  constructor(
    /** 1-based, as the epoch lines count. */
    readonly epoch: number,
    readonly loss: number,
    which: "training" | "validation",
  ) {
    super(
      `training diverged in epoch ${epoch}: the ${which} loss is ${loss}. ` +
        `Lower the learning rate (train.optimizer.lr), add regularisation, or check the inputs for extreme values.`,
    );
    this.name = "DivergedError";
  }
}

/** A checkpoint was given to a run it does not belong to. */
export class ResumeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResumeMismatchError";
  }
}

/** A forced backend could not be loaded. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendUnavailableError";
  }
}
