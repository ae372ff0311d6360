#!/usr/bin/python3
"""
Synthetic credit applications and the "legacy" XGBoost model trained on them elsewhere.

    /usr/bin/python3 examples/credit/generate.py     (Debian's python3-xgboost)

Per applicant (seed 20261203, 4000 drawn):
  income          thousands a year, LogNormal(ln 45, 0.5); 3% blank (not reported)
  debt_ratio      Beta(2, 5)
  age             Uniform 21..75, whole years
  late_payments   Poisson(0.6 + 2.5 * debt_ratio)
  utilization     Beta(2, 3)
  logit           = -2.2 - 0.9 * ln(income / 45) + 3.0 * debt_ratio + 0.45 * late_payments
                    + 1.6 * utilization - 0.015 * (age - 45) + Normal(0, 0.4)
  defaulted       Bernoulli(sigmoid(logit))
The label is drawn before income is blanked. models/legacy_xgb.json is XGBoost
(binary:logistic, 60 trees of depth 4) fitted on the first 1000 applicants
("older applications", not shipped), saved with its feature names, as a team
would hand it over; data/applicants.csv holds the other 3000.
"""
import csv
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ["income", "debt_ratio", "age", "late_payments", "utilization"]


def main():
    rng = np.random.default_rng(20261203)
    n = 4000
    old = 1000
    income = np.exp(rng.normal(np.log(45), 0.5, n))
    debt = rng.beta(2, 5, n)
    age = rng.integers(21, 76, n)
    late = rng.poisson(0.6 + 2.5 * debt)
    util = rng.beta(2, 3, n)
    logit = -2.2 - 0.9 * np.log(income / 45) + 3.0 * debt + 0.45 * late + 1.6 * util - 0.015 * (age - 45) + rng.normal(0, 0.4, n)
    defaulted = rng.random(n) < 1 / (1 + np.exp(-logit))
    income = np.round(income, 1)
    income[rng.random(n) < 0.03] = np.nan
    debt = np.round(debt, 4)
    util = np.round(util, 4)

    with open(os.path.join(HERE, "data", "applicants.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["applicant_id"] + FEATURES + ["defaulted"])
        for i in range(old, n):
            w.writerow([f"a{i:05d}", "" if np.isnan(income[i]) else f"{income[i]:.1f}", f"{debt[i]:.4f}", int(age[i]), int(late[i]), f"{util[i]:.4f}", "true" if defaulted[i] else "false"])

    X = np.column_stack([income, debt, age, late, util]).astype(np.float32)
    train = slice(0, old)
    d = xgb.DMatrix(X[train], label=defaulted[train].astype(int), missing=np.nan, feature_names=FEATURES)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.1, "subsample": 0.9, "seed": 3}, d, num_boost_round=60)
    booster.save_model(os.path.join(HERE, "models", "legacy_xgb.json"))


if __name__ == "__main__":
    main()
