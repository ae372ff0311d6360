import { describe, expect, it } from "vitest";
import { DATA, diagnose, MODEL, only, SERVED } from "./harness.js";

describe("unknown-column (E0210)", () => {
  it("passes: label, split keys, task target, except list and sticky_by name columns", () => {
    const spec =
      DATA.replace("  label  = churned\n", "  label  = churned\n  split  = holdout(stratify = churned)\n") +
      MODEL +
      SERVE_AB;
    expect(diagnose(spec)).toEqual([]);
    expect(diagnose(spec.replace("stratify = churned", "group = customer_id"))).toEqual([]);
    expect(diagnose(spec.replace("stratify = churned", "order_by = tenure"))).toEqual([]);
  });

  it("fails: a misspelt label, with a did-you-mean", () => {
    const d = only(DATA.replace("label  = churned", "label  = churn") + MODEL);
    expect([d.code, d.source.position(d.span.start), d.help]).toEqual(["E0210", { line: 5, column: 12 }, "did you mean `churned`?"]);
  });

  it("fails: an unknown split key", () => {
    expect(diagnose(DATA.replace("  label  = churned\n", "  label  = churned\n  split  = holdout(stratify = plan_id)\n") + MODEL)).toEqual(["E0210 6:31"]);
  });

  it("fails: an unknown column in `except`", () => {
    expect(diagnose(DATA + MODEL.replace("except = [customer_id, churned]", "except = [customer, churned]"))).toEqual(["E0210 17:42"]);
  });

  it("fails: an unknown feature input", () => {
    const spec = DATA + "\nfeatures f from customers {\n  t = standardize(tenur)\n}\n" + MODEL.replace("columns(customers, except = [customer_id, churned])", "f");
    expect(diagnose(spec)).toEqual(["E0210 16:19"]);
    expect(diagnose(spec.replace("tenur)", "tenure)"))).toEqual([]);
  });

  it("fails: an unknown sticky_by column of an A/B test", () => {
    expect(diagnose(DATA + MODEL + SERVE_AB.replace("sticky_by = customer_id", "sticky_by = user_id"))).toEqual(["E0210 25:54"]);
  });
});

const SERVE_AB = `
serve api {
  model = churn@champion
}
rollout r for api { ab(churn@challenger, sticky_by = customer_id, metric = converted) }
`;

void SERVED;
