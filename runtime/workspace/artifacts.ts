/**
 * Content-addressed artifact store: every blob (model, checkpoint, fitted
 * feature statistics, report) is stored once under its sha256,
 * `<dir>/ab/abcdef…`. Files are written atomically and never modified; reads
 * re-hash the bytes, so a corrupt file is reported instead of served.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson } from "./canonical-json.js";
import { ArtifactCorruptError, ArtifactNotFoundError, WorkspaceError } from "./errors.js";
import { isTempFileName, removeStaleTempFiles, writeFileAtomic } from "./atomic-file.js";

export { openAtomicFile, writeFileAtomic, removeStaleTempFiles, TEMP_PREFIX } from "./atomic-file.js";
export type { AtomicFile, AtomicFileOptions } from "./atomic-file.js";

/** What a blob is, for people and for `mlspec gc`: `{ kind: "model", mediaType: "application/onnx" }`. */
export type ArtifactMeta = Record<string, unknown>;

/** Where the store records what it holds (the registry's `artifacts` table). */
export interface ArtifactIndex {
  recordArtifact(entry: { sha256: string; size: number; meta: ArtifactMeta }): void;
  artifactMeta(sha256: string): ArtifactMeta | undefined;
}

export type ArtifactCheck = "ok" | "missing" | "corrupt";

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Of(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function normalizeSha(sha256: string): string {
  const sha = typeof sha256 === "string" ? sha256.trim().toLowerCase() : "";
  if (!SHA256.test(sha)) {
    throw new WorkspaceError("INVALID_SHA256", `"${String(sha256)}" is not an artifact id (64 hex digits of sha256)`);
  }
  return sha;
}

export class ArtifactStore {
  readonly dir: string;
  private readonly index: ArtifactIndex | undefined;

  constructor(dir: string, options: { index?: ArtifactIndex } = {}) {
    this.dir = dir;
    this.index = options.index;
    mkdirSync(dir, { recursive: true });
  }

  /** Store bytes (strings as UTF-8); returns their sha256. Storing the same bytes twice is a no-op. */
  put(data: string | Uint8Array, meta: ArtifactMeta = {}): string {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const sha = sha256Of(bytes);
    const file = this.path(sha);
    // an existing good copy is kept; a corrupt one is replaced
    if (this.verify(sha) !== "ok") {
      mkdirSync(join(this.dir, sha.slice(0, 2)), { recursive: true });
      writeFileAtomic(file, bytes, { mode: 0o444 });
    }
    this.index?.recordArtifact({ sha256: sha, size: bytes.byteLength, meta });
    return sha;
  }

  /** Store a JSON value in canonical form (sorted keys), so equal values share one artifact. */
  putJson(value: unknown, meta: ArtifactMeta = {}): string {
    return this.put(canonicalJson(value), { mediaType: "application/json", ...meta });
  }

  /** The bytes of an artifact, hash-checked. */
  get(sha256: string): Buffer {
    const sha = normalizeSha(sha256);
    const file = this.path(sha);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ArtifactNotFoundError(sha, this.dir);
      throw error;
    }
    const actual = sha256Of(bytes);
    if (actual !== sha) throw new ArtifactCorruptError(sha, actual, file);
    return bytes;
  }

  getText(sha256: string): string {
    return this.get(sha256).toString("utf8");
  }

  getJson<T = unknown>(sha256: string): T {
    const text = this.getText(sha256);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new WorkspaceError("ARTIFACT_NOT_JSON", `artifact ${normalizeSha(sha256)} is not JSON`, { cause: error });
    }
  }

  /** Whether a file is stored under this id (not re-hashed: use `verify` for that). */
  has(sha256: string): boolean {
    const sha = typeof sha256 === "string" ? sha256.trim().toLowerCase() : "";
    return SHA256.test(sha) && existsSync(this.path(sha));
  }

  /** Where an artifact lives (or would live). Throws on anything that is not a sha256, so no path escapes the store. */
  path(sha256: string): string {
    const sha = normalizeSha(sha256);
    return join(this.dir, sha.slice(0, 2), sha);
  }

  verify(sha256: string): ArtifactCheck {
    try {
      this.get(sha256);
      return "ok";
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return "missing";
      if (error instanceof ArtifactCorruptError) return "corrupt";
      throw error;
    }
  }

  /** What `put` was told about this artifact, if the store has an index. */
  meta(sha256: string): ArtifactMeta | undefined {
    return this.index?.artifactMeta(normalizeSha(sha256));
  }

  /** Every stored artifact id, sorted. Temp files and stray names are not artifacts. */
  list(): string[] {
    const ids: string[] = [];
    for (const prefix of readdirSync(this.dir, { withFileTypes: true })) {
      if (!prefix.isDirectory() || !/^[0-9a-f]{2}$/.test(prefix.name)) continue;
      for (const name of readdirSync(join(this.dir, prefix.name))) {
        if (!isTempFileName(name) && SHA256.test(name) && name.startsWith(prefix.name)) ids.push(name);
      }
    }
    return ids.sort();
  }

  /** Remove temp files that crashed writers left behind; returns their paths. */
  removeStaleTempFiles(): string[] {
    return removeStaleTempFiles(this.dir, { recursive: true });
  }
}
