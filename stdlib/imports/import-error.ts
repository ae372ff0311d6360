/** A model file that cannot be imported: unreadable, malformed, or using what mlspec does not support. Exit 5. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}
