/**
 * Crash-safe file writes: write to a temp file in the target's directory,
 * fsync it, rename it over the target, fsync the directory. A reader (or a
 * process restarted after `kill -9`) sees either the old file or the new one,
 * never a torn one. Temp files carry the writer's pid so that a later open can
 * tell a dead writer's leftovers from a live writer's work in progress.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Every temp file starts with this; nothing else in the workspace does. */
export const TEMP_PREFIX = ".tmp-";

export interface AtomicFileOptions {
  /** Permission bits of the finished file (default 0o644). */
  mode?: number;
}

/** A file being written; invisible under its final name until `commit()`. */
export interface AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  write(chunk: string | Uint8Array): void;
  /** fsync, rename over `path`, fsync the directory. */
  commit(): void;
  /** Drop the temp file; `path` is untouched. Safe to call twice or after a failed commit. */
  abort(): void;
}

export function isTempFileName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

function tempPathFor(target: string): string {
  // keep the name under common 255-byte limits whatever the target is called
  const tail = basename(target).slice(0, 120);
  return join(dirname(target), `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}-${tail}`);
}

/** Open a temp file beside `target` for streaming writes (large quarantine files, exports). */
export function openAtomicFile(target: string, options: AtomicFileOptions = {}): AtomicFile {
  const tempPath = tempPathFor(target);
  // "wx": never reuse an existing file, even one with our random name
  let fd: number | null = openSync(tempPath, "wx", options.mode ?? 0o644);
  let finished = false;

  const closeFd = () => {
    if (fd !== null) {
      const open = fd;
      fd = null;
      closeSync(open);
    }
  };

  return {
    path: target,
    tempPath,
    write(chunk) {
      if (fd === null || finished) throw new Error(`atomic write to ${target} is already finished`);
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      let offset = 0;
      while (offset < bytes.byteLength) {
        offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
      }
    },
    commit() {
      if (fd === null || finished) throw new Error(`atomic write to ${target} is already finished`);
      try {
        fsyncSync(fd);
        closeFd();
        renameSync(tempPath, target);
        finished = true;
      } catch (error) {
        this.abort();
        throw error;
      }
      fsyncDirectory(dirname(target));
    },
    abort() {
      if (finished) return;
      finished = true;
      try {
        closeFd();
      } finally {
        try {
          unlinkSync(tempPath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
    },
  };
}

/** Replace `target` with `data` atomically (quarantine files, checkpoints, manifests). */
export function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicFileOptions = {}): void {
  const file = openAtomicFile(target, options);
  try {
    file.write(data);
  } catch (error) {
    file.abort();
    throw error;
  }
  file.commit();
}

/** Make a rename durable: the new directory entry must reach the disk too. */
export function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (error) {
    // some platforms (Windows) and file systems cannot fsync a directory; the rename still happened
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF" && code !== "EACCES") {
      throw error;
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function writerPid(name: string): number | null {
  const match = /^\.tmp-(\d+)-/.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Delete temp files left by writers that no longer run (a crash mid-write).
 * Temp files of live processes are kept: they may be about to be renamed.
 * Returns the removed paths.
 */
export function removeStaleTempFiles(dir: string, options: { recursive?: boolean } = {}): string[] {
  const removed: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return removed;
    throw error;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (options.recursive) removed.push(...removeStaleTempFiles(full, options));
      continue;
    }
    if (!isTempFileName(entry.name)) continue;
    const pid = writerPid(entry.name);
    // ours or a live process's: that AtomicFile may still be open
    if (pid !== null && (pid === process.pid || isProcessAlive(pid))) continue;
    try {
      unlinkSync(full);
      removed.push(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}
