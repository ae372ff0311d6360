/** The run tests' projects and runners; they live in test/projects.ts, shared by every room. */
export * from "../projects.js";
