import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    reporters: ["default", "./tests/support/summaryReporter.ts"],
    // Installs Chromium if missing and makes the folder for the run's one site build.
    globalSetup: ["./tests/support/e2eSetup.ts"],
  },
});
