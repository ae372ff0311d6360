import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ArtifactStore,
  openAtomicFile,
  removeStaleTempFiles,
  sha256Of,
  TEMP_PREFIX,
  writeFileAtomic,
} from "../../runtime/workspace/artifacts.js";
import { canonicalJson } from "../../runtime/workspace/canonical-json.js";
import { ArtifactCorruptError, ArtifactNotFoundError, WorkspaceError } from "../../runtime/workspace/errors.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mlspec-artifacts-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tempFilesIn(path: string): string[] {
  return readdirSync(path, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.split("/").pop()!.startsWith(TEMP_PREFIX),
  );
}

describe("ArtifactStore", () => {
  it("round-trips bytes and strings under their sha256, in ab/abcdef… layout", () => {
    const store = new ArtifactStore(join(dir, "artifacts"));
    const bytes = new Uint8Array([0, 1, 2, 255, 128]);
    const sha = store.put(bytes);
    expect(sha).toBe(sha256Of(bytes));
    expect(store.path(sha)).toBe(join(dir, "artifacts", sha.slice(0, 2), sha));
    expect([...store.get(sha)]).toEqual([...bytes]);
    expect(store.has(sha)).toBe(true);

    const text = "héllo ✓ world";
    const textSha = store.put(text);
    expect(textSha).toBe(sha256Of(Buffer.from(text, "utf8")));
    expect(store.getText(textSha)).toBe(text);
    expect(store.list()).toEqual([sha, textSha].sort());
  });

  it("stores the same content once", () => {
    const store = new ArtifactStore(dir);
    const a = store.put("same");
    const b = store.put(Buffer.from("same"));
    expect(a).toBe(b);
    expect(store.list()).toEqual([a]);
  });

  it("stores JSON canonically: key order does not change the hash", () => {
    const store = new ArtifactStore(dir);
    const a = store.putJson({ b: 1, a: { y: [1, 2], x: "s" } });
    const b = store.putJson({ a: { x: "s", y: [1, 2] }, b: 1 });
    expect(a).toBe(b);
    expect(store.getJson(a)).toEqual({ a: { x: "s", y: [1, 2] }, b: 1 });
  });

  it("refuses JSON that would not round-trip", () => {
    const store = new ArtifactStore(dir);
    expect(() => store.putJson({ loss: Number.NaN })).toThrow(/non-finite number NaN at \$\.loss/);
    expect(() => store.putJson({ w: new Float32Array(2) })).toThrow(/Float32Array at \$\.w/);
    expect(() => store.putJson({ big: 1n })).toThrow(WorkspaceError);
  });

  it("detects a corrupt artifact on read, and put() repairs it", () => {
    const store = new ArtifactStore(dir);
    const sha = store.put("precious model bytes");
    const file = store.path(sha);
    chmodSync(file, 0o644);
    writeFileSync(file, "tampered");
    expect(() => store.get(sha)).toThrow(ArtifactCorruptError);
    expect(() => store.get(sha)).toThrow(/is corrupt: the file .* hashes to/);
    expect(store.verify(sha)).toBe("corrupt");

    expect(store.put("precious model bytes")).toBe(sha);
    expect(store.getText(sha)).toBe("precious model bytes");
    expect(store.verify(sha)).toBe("ok");
  });

  it("reports a missing artifact clearly", () => {
    const store = new ArtifactStore(dir);
    const sha = sha256Of("never stored");
    expect(store.has(sha)).toBe(false);
    expect(store.verify(sha)).toBe("missing");
    expect(() => store.get(sha)).toThrow(ArtifactNotFoundError);
    expect(() => store.get(sha)).toThrow(/is not in the workspace/);
  });

  it("accepts only sha256 ids, so no path escapes the store", () => {
    const store = new ArtifactStore(dir);
    expect(() => store.path("../../etc/passwd")).toThrow(/is not an artifact id/);
    expect(() => store.get("abc")).toThrow(WorkspaceError);
    expect(store.has("../x")).toBe(false);
    // upper case is the same id
    const sha = store.put("x");
    expect(store.getText(sha.toUpperCase())).toBe("x");
  });

  it("records metadata in its index", () => {
    const recorded: { sha256: string; size: number; meta: Record<string, unknown> }[] = [];
    const store = new ArtifactStore(dir, {
      index: {
        recordArtifact: (entry) => recorded.push(entry),
        artifactMeta: (sha) => recorded.find((entry) => entry.sha256 === sha)?.meta,
      },
    });
    const sha = store.putJson({ a: 1 }, { kind: "stats" });
    expect(recorded).toEqual([{ sha256: sha, size: 7, meta: { mediaType: "application/json", kind: "stats" } }]);
    expect(store.meta(sha)).toEqual({ mediaType: "application/json", kind: "stats" });
  });

  it("never lists temp files or stray names as artifacts", () => {
    const store = new ArtifactStore(dir);
    const sha = store.put("real");
    const sub = join(dir, sha.slice(0, 2));
    writeFileSync(join(sub, `${TEMP_PREFIX}999999-abc-${sha}`), "partial");
    writeFileSync(join(sub, "notes.txt"), "?");
    expect(store.list()).toEqual([sha]);
  });

  it("round-trips arbitrary bytes (property)", () => {
    const store = new ArtifactStore(dir);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const sha = store.put(bytes);
        expect(sha).toBe(sha256Of(bytes));
        expect(Buffer.compare(store.get(sha), Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe("canonicalJson", () => {
  it("is invariant to key order and parses back to the same value (property)", () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((value) => !Object.is(value, -0));
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        const parsed = JSON.parse(text) as unknown;
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
        // shuffling keys (here: reversing them everywhere) gives the same text
        const reversed = JSON.parse(text, (_key, v: unknown) =>
          v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe("writeFileAtomic", () => {
  it("replaces a file and leaves no temp file behind", () => {
    const target = join(dir, "state.json");
    writeFileAtomic(target, "one");
    writeFileAtomic(target, Buffer.from("two"));
    expect(readFileSync(target, "utf8")).toBe("two");
    expect(tempFilesIn(dir)).toEqual([]);
  });

  it("keeps the old content until commit, and an abort leaves it untouched", () => {
    const target = join(dir, "quarantine.csv");
    writeFileAtomic(target, "old\n");
    const file = openAtomicFile(target);
    file.write("new row 1\n");
    file.write(new Uint8Array(Buffer.from("new row 2\n")));
    expect(readFileSync(target, "utf8")).toBe("old\n");
    expect(existsSync(file.tempPath)).toBe(true);
    file.abort();
    file.abort();
    expect(readFileSync(target, "utf8")).toBe("old\n");
    expect(existsSync(file.tempPath)).toBe(false);

    const second = openAtomicFile(target);
    second.write("new\n");
    second.commit();
    expect(readFileSync(target, "utf8")).toBe("new\n");
    expect(() => second.write("late")).toThrow(/already finished/);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  it("cleans up its temp file when the rename fails", () => {
    const target = join(dir, "a-directory");
    mkdirSync(join(target, "child"), { recursive: true });
    expect(() => writeFileAtomic(target, "x")).toThrow();
    expect(tempFilesIn(dir)).toEqual([]);
  });

  it("removes temp files of dead writers but keeps a live writer's", () => {
    mkdirSync(join(dir, "ab"));
    const dead = join(dir, "ab", `${TEMP_PREFIX}2147483646-0a0b-target`); // no such pid
    const unparsable = join(dir, `${TEMP_PREFIX}garbage`);
    writeFileSync(dead, "partial");
    writeFileSync(unparsable, "partial");
    const live = openAtomicFile(join(dir, "live-target"));
    live.write("in progress");

    const removed = removeStaleTempFiles(dir, { recursive: true });
    expect(removed.sort()).toEqual([dead, unparsable].sort());
    expect(existsSync(live.tempPath)).toBe(true);
    live.commit();
    expect(readFileSync(join(dir, "live-target"), "utf8")).toBe("in progress");
    expect(removeStaleTempFiles(join(dir, "missing"))).toEqual([]);
    expect(dirname(live.tempPath)).toBe(dir);
  });
});
