// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "benchmark_results/**",
      "**/cdk.out/**",
      "**/dist/**",
      "test-artifacts/**",
      "**/*.cjs",
      "suite/bin/**",
      // plain ESM that registers tsx for the reader thread; no TypeScript project covers it
      "suite/src/measure/reader-thread-entry.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": "error",
    },
  },
  {
    // entry points, benchmarks and CLIs talk to a terminal
    files: [
      "**/main.ts",
      "**/bench/**",
      "**/demo/**",
      "**/cli/**",
      "**/*.test.ts",
      "**/*.test.tsx",
    ],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.test.ts", "**/*.test.tsx"],
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
