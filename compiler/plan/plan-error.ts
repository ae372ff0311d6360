/**
 * A checked program the planner cannot lower. The checker should have rejected
 * it; the message says what and where, so the CLI prints one line, not a stack.
 */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}
