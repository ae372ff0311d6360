/**
 * Errors the data layer raises for bad input (a missing file, a file that is not
 * what the spec says, a contract that cannot be applied). The CLI prints `message`
 * as is, so each message names the file or column and says what to do.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

/** The source file cannot be opened or parsed as the declared format. */
export class DataSourceError extends DataError {
  constructor(message: string) {
    super(message);
    this.name = "DataSourceError";
  }
}

/** A contract, split or load request that cannot be applied to this data. */
export class DataSpecError extends DataError {
  constructor(message: string) {
    super(message);
    this.name = "DataSpecError";
  }
}
