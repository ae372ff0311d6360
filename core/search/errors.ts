/** Errors the search engine raises for bad input; the CLI prints their message, not a stack. */
export class SearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SearchError";
  }
}

/** A search space that cannot be sampled: bad bounds, unknown condition parent, cycles. */
export class SearchSpaceError extends SearchError {
  constructor(message: string) {
    super(message);
    this.name = "SearchSpaceError";
  }
}

/** Misuse of a study: no budget, reporting to a finished trial, bad recorded trials. */
export class StudyError extends SearchError {
  constructor(message: string) {
    super(message);
    this.name = "StudyError";
  }
}
