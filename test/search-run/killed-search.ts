/**
 * `node --import tsx killed-search.ts SPEC N`: runs SPEC in this process and
 * kills the process with SIGKILL as the Nth trial's line is written, i.e. just
 * after that trial was recorded, while the other trials run on: a crash at a
 * chosen point of the search, which a timer could not choose.
 */
import { Writable } from "node:stream";
import { runSpec } from "../../runtime/run/run-spec.js";

const [spec, after] = process.argv.slice(2);
let finished = 0;
const out = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n")) {
      if (/^ {2}trial +\d+ /.test(line) && ++finished >= Number(after)) process.kill(process.pid, "SIGKILL");
    }
    done();
  },
});
await runSpec(spec!, { out, backend: "cpu" });
