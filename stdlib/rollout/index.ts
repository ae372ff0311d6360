/** Every rollout strategy: one module each (signature + decision rule), one line here. */
import * as ab from "./ab.js";
import * as bandit from "./bandit.js";
import * as canary from "./canary.js";
import * as shadow from "./shadow.js";

export const rolloutStrategies = { shadow, canary, ab, bandit };
