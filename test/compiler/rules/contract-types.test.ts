import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL } from "./harness.js";

/** DATA + MODEL with the contract's `monthly` line replaced (line 9). */
const withColumn = (line: string) => DATA.replace("    monthly     : float\n", `    ${line}\n`) + MODEL;

describe("contract-types (E0106, E0211, E0303, E0304, E0305)", () => {
  it("passes: every column type and constraint in its place", () => {
    expect(diagnose(withColumn("monthly : float range 0..10000 nulls <= 2% mean 10..90 std 0..50"))).toEqual([]);
    expect(diagnose(withColumn("signup : timestamp"))).toEqual([]);
    expect(diagnose(DATA.replace("    churned     : bool\n", "    churned     : bool\n    rows >= 500\n") + MODEL)).toEqual([]);
  });

  it("fails E0106: a dataset without a contract", () => {
    const bad = 'mlspec 1\n\ndataset customers {\n  source = csv("customers.csv")\n}\n';
    expect(diagnose(bad)).toEqual(["E0106 3:9"]);
  });

  it("fails E0211: a column declared twice, at the second", () => {
    expect(diagnose(withColumn("tenure : float"))).toEqual(["E0211 9:5"]);
  });

  it("fails E0303: an unknown type, with a did-you-mean", () => {
    expect(diagnose(withColumn("monthly : double"))).toEqual(["E0303 9:15"]);
    expect(diagnose(withColumn("monthly : flaot"))).toEqual(["E0303 9:15"]);
  });

  it("fails E0304: an empty range, a nulls bound without %, enum values that are not strings", () => {
    expect(diagnose(withColumn("monthly : float range 10..0"))).toEqual(["E0304 9:27"]);
    expect(diagnose(withColumn("monthly : float nulls <= 2"))).toEqual(["E0304 9:21"]);
    expect(diagnose(withColumn("tier : enum(gold, silver)"))).toEqual(["E0304 9:12"]);
  });

  it("fails E0304: a row rule on something other than rows, or with a non-count", () => {
    expect(diagnose(DATA.replace("    churned     : bool\n", "    churned     : bool\n    lines >= 500\n") + MODEL)).toEqual(["E0304 12:5"]);
    expect(diagnose(DATA.replace("    churned     : bool\n", "    churned     : bool\n    rows >= 5%\n") + MODEL)).toEqual(["E0304 12:5"]);
  });

  it("fails E0305: a range on a string column, at the constraint", () => {
    expect(diagnose(withColumn("code : string range 0..9"))).toEqual(["E0305 9:19"]);
  });
});
