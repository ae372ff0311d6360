/**
 * Errors the workspace raises for conditions a user can cause or fix (a
 * corrupt artifact, an unknown model, a database from a newer mlspec). The CLI
 * prints `message` alone; `code` lets callers branch without parsing text.
 */
export class WorkspaceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkspaceError";
    this.code = code;
  }
}

export class ArtifactNotFoundError extends WorkspaceError {
  constructor(readonly sha256: string, where: string) {
    super("ARTIFACT_NOT_FOUND", `artifact ${sha256} is not in the workspace (looked in ${where})`);
    this.name = "ArtifactNotFoundError";
  }
}

export class ArtifactCorruptError extends WorkspaceError {
  constructor(
    readonly sha256: string,
    readonly actualSha256: string,
    readonly file: string,
  ) {
    super(
      "ARTIFACT_CORRUPT",
      `artifact ${sha256} is corrupt: the file ${file} hashes to ${actualSha256}; ` +
        `delete it and re-run the step that produced it`,
    );
    this.name = "ArtifactCorruptError";
  }
}

/** The database was written by a newer mlspec than this one. */
export class SchemaVersionError extends WorkspaceError {
  constructor(
    readonly found: number,
    readonly supported: number,
    file: string,
  ) {
    super(
      "SCHEMA_TOO_NEW",
      `workspace database ${file} is at schema version ${found}, but this mlspec only knows ` +
        `versions up to ${supported}; upgrade mlspec to use this workspace`,
    );
    this.name = "SchemaVersionError";
  }
}

/** A run, model, version, alias or rollout that does not exist. */
export class RegistryNotFoundError extends WorkspaceError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "RegistryNotFoundError";
  }
}

/** A request the registry refuses: aliasing a rejected version, finishing a run twice, … */
export class RegistryConflictError extends WorkspaceError {
  constructor(message: string) {
    super("CONFLICT", message);
    this.name = "RegistryConflictError";
  }
}
