/**
 * Column groups (compiler/check/expand-groups.ts, spec/language.md#column-groups):
 * what a group expands to, in the plan, and each of E0901–E0912 at its place.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../../compiler/check/index.js";
import { GROUP_KINDS, groupColumns, kindMatches, templateName } from "../../../compiler/check/expand-groups.js";
import { programFromText } from "../../../compiler/check/program.js";
import { parse } from "../../../compiler/language/parse.js";
import { buildPlan } from "../../../compiler/plan/lower.js";
import type { Plan } from "../../../compiler/plan/schema.js";
import { diagnose } from "./harness.js";

/** A dataset of six columns; contract lines from line 7 on, each `extra` line after `site`. */
function cells(extra = "", features = "  each numeric except [id] as *_z = standardize"): string {
  return `mlspec 1

dataset cells {
  source = csv("cells.csv")
  label  = diagnosis
  contract {
    id        : int unique
    diagnosis : enum("B", "M")
    each [radius, texture, area] : float range 0..5000
    site      : enum("left", "right")
${extra}  }
}

features cell_features from cells {
${features}
}

model cell_model {
  task   = binary_classification(target = diagnosis)
  inputs = cell_features
  arch   = linear()
}
`;
}

function planOf(text: string): Plan {
  const result = checkProgram(programFromText(text));
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return buildPlan(result.sem);
}

function contractOf(plan: Plan): Array<Record<string, unknown>> {
  const step = plan.steps.find((s) => s.kind === "validate")!;
  return (step.params as unknown as { contract: { columns: Array<Record<string, unknown>> } }).contract.columns;
}

function featureNames(plan: Plan): string[] {
  const step = plan.steps.find((s) => s.kind === "fit_features")!;
  return (step.params as unknown as { definitions: Array<{ name: string; inputs: string[] }> }).definitions.map((f) => `${f.name}<-${f.inputs.join(",")}`);
}

describe("column groups: what they expand to", () => {
  it("a list declares its columns with one type and its constraints", () => {
    const cols = contractOf(planOf(cells()));
    expect(cols.map((c) => c["name"])).toEqual(["id", "diagnosis", "radius", "texture", "area", "site"]);
    expect(cols[2]).toMatchObject({ type: { kind: "float" }, range: { min: 0, max: 5000 } });
  });

  it("a group by kind adds its constraints to the declared columns of that kind; a column's own constraint wins", () => {
    const cols = contractOf(planOf(cells("    each float : nulls <= 1% range 0..10\n")));
    expect(cols.filter((c) => (c["type"] as { kind: string }).kind === "float").map((c) => [c["name"], c["nulls"], c["range"]])).toEqual([
      ["radius", { allowed: true, maxFraction: 0.01 }, { min: 0, max: 5000 }],
      ["texture", { allowed: true, maxFraction: 0.01 }, { min: 0, max: 5000 }],
      ["area", { allowed: true, maxFraction: 0.01 }, { min: 0, max: 5000 }],
    ]);
    expect(cols.find((c) => c["name"] === "id")!["nulls"]).not.toEqual({ allowed: true, maxFraction: 0.01 });
  });

  it("a feature group makes one feature per matching column, in contract order, the label left out", () => {
    expect(featureNames(planOf(cells()))).toEqual(["radius_z<-radius", "texture_z<-texture", "area_z<-area"]);
    expect(featureNames(planOf(cells("", "  each enum as enc_* = onehot")))).toEqual(["enc_site<-site"]);
  });

  it("the pipeline gets the column as its first input; written features and several groups mix", () => {
    const text = cells("", "  ratio = area |> log1p\n  each [area, radius] as log_* = impute(strategy = median) |> log1p |> clip(0, 12)");
    const plan = planOf(text);
    expect(featureNames(plan)).toEqual(["ratio<-area", "log_area<-area", "log_radius<-radius"]);
    const step = plan.steps.find((s) => s.kind === "fit_features")!;
    const features = (step.params as unknown as { definitions: Array<{ name: string; stages: Array<{ fn: string }> }> }).definitions;
    expect(features[1]!.stages.map((s) => s.fn)).toEqual(["impute", "log1p", "clip"]);
  });

  it("`each` alone is still a name: a setting, a column or a feature called each", () => {
    expect(diagnose(cells("    each      : int\n", "  each = standardize(each)"))).toEqual([]);
  });
});

describe("column groups: diagnostics", () => {
  // contract lines added by `cells(extra)` start on line 11; the features block's first line is 15 (+ extra lines)
  it("E0901: an unknown kind, with a did-you-mean", () => {
    expect(diagnose(cells("    each floats : nulls <= 1%\n"))).toEqual(["E0901 11:10"]);
    expect(diagnose(cells("", "  each numbers as *_z = standardize"))).toEqual(["E0901 15:8"]);
  });

  it("E0902: a group that matches nothing (the label is never in a feature group)", () => {
    expect(diagnose(cells("    each timestamp : nulls <= 1%\n"))).toEqual(["E0902 11:10"]);
    expect(diagnose(cells("", "  each enum except [site] as *_oh = onehot"))).toEqual(["E0902 15:8"]);
    expect(diagnose(cells("", "  each bool as *_b = standardize"))).toEqual(["E0902 15:8"]);
  });

  it("E0903: an unknown column in a list or after except", () => {
    expect(diagnose(cells("    each [radius, textur] : nulls <= 1%\n"))).toEqual(["E0903 11:19"]);
    expect(diagnose(cells("", "  each numeric except [idd] as *_z = standardize"))).toEqual(["E0903 15:24"]);
  });

  it("E0904: a transform that does not take a matched column's type, or a numeric constraint on another type", () => {
    expect(diagnose(cells("", "  each column except [id] as *_z = standardize"))).toEqual(["E0904 15:36"]);
    expect(diagnose(cells("    each column : range 0..10\n"))).toEqual(["E0904 11:19"]);
    expect(diagnose(cells("    each enum : mean 0..1\n"))).toEqual(["E0904 11:17"]);
  });

  it("E0905: an exception the group does not match", () => {
    expect(diagnose(cells("", "  each float except [id] as *_z = standardize"))).toEqual(["E0905 15:22"]);
    // the label may be named: it is left out anyway
    expect(diagnose(cells("", "  each enum except [diagnosis] as *_oh = onehot"))).toEqual([]);
  });

  it("E0906: a name template with a space in it", () => {
    expect(diagnose(cells("", "  each float as * _z = standardize"))).toEqual(["E0906 15:17"]);
    expect(diagnose(cells("", "  each float as z_ * = standardize"))).toEqual(["E0906 15:17"]);
  });

  it("E0907: a feature name the block already has", () => {
    expect(diagnose(cells("", "  radius_z = minmax(radius)\n  each float as *_z = standardize"))).toEqual(["E0907 16:17"]);
    expect(diagnose(cells("", "  each float as *_z = standardize\n  each [radius] as *_z = minmax"))).toEqual(["E0907 16:20"]);
  });

  it("E0908: a group where none belongs", () => {
    expect(diagnose(cells("", "  each float : nulls <= 1%\n  r = standardize(radius)"))).toEqual(["E0908 15:3"]);
    expect(diagnose(cells("    each float as *_z = standardize\n"))).toEqual(["E0908 11:19"]);
    const model = cells().replace("  arch   = linear()", "  arch   = linear()\n  each float : nulls <= 1%");
    expect(diagnose(model)).toEqual(["E0908 22:3"]);
  });

  it("E0909: a group by kind that gives a type", () => {
    expect(diagnose(cells("    each float : float nulls <= 1%\n"))).toEqual(["E0909 11:18"]);
  });

  it("E0910: except after a list", () => {
    expect(diagnose(cells("    each [id, radius] except [id] : nulls <= 1%\n"))).toEqual(["E0910 11:31"]);
  });

  it("E0911: a contract group with no constraints", () => {
    expect(diagnose(cells("    each float :\n"))).toEqual(["E0911 11:5"]);
  });

  it("E0912: two groups give one column the same constraint", () => {
    expect(diagnose(cells("    each [radius] : nulls <= 1%\n    each float : nulls <= 5%\n"))).toEqual(["E0912 12:18"]);
    // a column's own constraint wins without a diagnostic
    expect(diagnose(cells("    each float : range 0..10\n"))).toEqual([]);
  });
});

const TYPES = ["int", "float", "bool", "string", "enum", "timestamp"];
const columnsArb = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), type: fc.constantFrom(...TYPES) }), { selector: (c) => c.name, maxLength: 30 });

describe("column groups: properties", () => {
  it("a group's columns are the matching columns less its exceptions, in contract order", () => {
    fc.assert(
      fc.property(columnsArb, fc.constantFrom(...Object.keys(GROUP_KINDS)), fc.func(fc.boolean()), (columns, kind, pick) => {
        const except = columns.filter((c) => pick(c.name)).map((c) => c.name);
        const got = groupColumns(columns, { kind }, except);
        const expected = columns.filter((c) => kindMatches(kind, c.type) && !except.includes(c.name));
        expect(got).toEqual(expected);
        // a subsequence of the contract: order is the contract's
        const positions = got.map((c) => columns.indexOf(c));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }),
    );
  });

  it("a list group keeps its list's order, each column once", () => {
    fc.assert(
      fc.property(columnsArb, fc.array(fc.nat(), { maxLength: 40 }), (columns, picks) => {
        fc.pre(columns.length > 0);
        const list = picks.map((i) => columns[i % columns.length]!.name);
        expect(groupColumns(columns, { list }, []).map((c) => c.name)).toEqual([...new Set(list)]);
      }),
    );
  });

  it("through the checker and planner: one standardized feature per numeric column, named by the template", () => {
    const numericTypes = ["int", "float"];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name: fc.stringMatching(/^c[a-z0-9]{0,5}$/), type: fc.constantFrom("int", "float", "bool", "string") }), { selector: (c) => c.name, minLength: 1, maxLength: 12 }),
        fc.func(fc.boolean()),
        fc.constantFrom("*_z", "z_*", "std_*_v"),
        (columns, pick, template) => {
          const numeric = columns.filter((c) => numericTypes.includes(c.type));
          const except = numeric.filter((c) => pick(c.name)).map((c) => c.name);
          fc.pre(numeric.length > except.length);
          const contract = columns.map((c) => `    ${c.name} : ${c.type}\n`).join("") + "    y : bool\n";
          const exceptText = except.length > 0 ? ` except [${except.join(", ")}]` : "";
          const text = `mlspec 1\n\ndataset d {\n  source = csv("d.csv")\n  label  = y\n  contract {\n${contract}  }\n}\n\nfeatures f from d {\n  each numeric${exceptText} as ${template} = standardize\n}\n\nmodel m {\n  task   = binary_classification(target = y)\n  inputs = f\n  arch   = linear()\n}\n`;
          const [prefix, suffix] = template.split("*") as [string, string];
          const expected = numeric.filter((c) => !except.includes(c.name)).map((c) => `${prefix}${c.name}${suffix}<-${c.name}`);
          expect(featureNames(planOf(text))).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("templateName puts the column where the `*` is", () => {
    fc.assert(
      fc.property(fc.option(fc.stringMatching(/^[a-z_]{1,4}$/), { nil: undefined }), fc.option(fc.stringMatching(/^[a-z_0-9]{1,4}$/), { nil: undefined }), fc.stringMatching(/^[a-z]{1,6}$/), (p, s, col) => {
        const span = { start: 0, end: 0 };
        const t = { prefix: p === undefined ? undefined : { name: p, span }, star: { span }, suffix: s === undefined ? undefined : { name: s, span }, span };
        expect(templateName(t, col)).toBe(`${p ?? ""}${col}${s ?? ""}`);
      }),
    );
  });
});

describe("column groups: syntax errors", () => {
  const syntax = (text: string) => parse(text).diagnostics.items.map((d) => `${d.code} ${d.source.position(d.span.start).line}:${d.source.position(d.span.start).column} ${d.message}`);

  it("one message a mistake, and the next line parses", () => {
    expect(syntax("features f from d {\n  each numeric standardize\n  x = 1\n}\n")).toEqual(["E0003 2:16 expected `:` or `as` after the group's columns, found `standardize`"]);
    expect(syntax("features f from d {\n  each numeric as = standardize\n  x = 1\n}\n")).toEqual(["E0003 2:19 expected `*`, found `=`"]);
    expect(syntax("dataset d {\n  contract {\n    each [a, b : float\n    c : int\n  }\n}\n")).toEqual(["E0003 3:16 expected `,` or `]`, found `:`"]);
    expect(syntax("features f from d {\n  a.each numeric as *_z = standardize\n}\n")).toEqual(["E0003 2:3 a column group starts with `each` alone"]);
    // a value starts on the line of its `=`
    expect(syntax("features f from d {\n  each numeric as *_z =\n  x = standardize(y)\n}\n")).toEqual(["E0003 2:24 expected a value after `=`"]);
  });

  it("`label churned` is still a missing `=`, not a group", () => {
    expect(syntax("dataset d {\n  label churned\n}\n")).toEqual(["E0003 2:9 unexpected `churned` after `label`"]);
  });
});
