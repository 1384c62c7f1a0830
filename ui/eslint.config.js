import js from "@eslint/js";
import ts from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import svelteConfig from "./svelte.config.js";

export default ts.config(
  { ignores: ["dist/", "node_modules/", "src/lib/bindings/"] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: [".svelte"], svelteConfig },
    },
  },
  {
    // The end-to-end tests (../tests/e2e) run in Node; `npm run lint:e2e`
    // lints them from the repository root, where this pattern matches.
    files: ["tests/**/*.mjs"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Type-aware rules for the app's own code (the files tsconfig.json holds):
    // a promise nobody awaits or catches loses its error, and one passed
    // where a plain callback is expected runs unhandled.
    files: ["src/**/*.ts", "src/**/*.svelte"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Components reach the backend only through the state modules (which
    // call ipc.ts): one way to do each thing, and ipc.ts stays the one place
    // that invokes. Types and the error helpers may still come from ipc.ts.
    files: ["src/components/**/*.svelte", "src/App.svelte"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tauri-apps/api/core",
              message: "Components call a state module (src/lib/state), which calls ipc.ts.",
            },
          ],
          patterns: [
            {
              group: ["**/lib/ipc"],
              importNames: [
                "ipc",
                "playgroundIpc",
                "presetIpc",
                "providerFilesIpc",
                "updateIpc",
                "instanceIpc",
                "mcpIpc",
                "assistantIpc",
                "evalIpc",
              ],
              message: "Components call a state module (src/lib/state), which calls ipc.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      // Model output is data: rendering raw HTML is allowed only through the sanitizer.
      "svelte/no-at-html-tags": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
