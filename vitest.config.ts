import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // the default reporter, then one plain closing line CI can read: "N passed, N failed"
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
