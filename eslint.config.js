// Lint rules the code base keeps: ESLint's and typescript-eslint's recommended sets, type-aware
// where the code is in tsconfig.json (Node code). `npm run typecheck` runs it.
//
// typescript-eslint reads types through TypeScript's JavaScript API, which TypeScript 7 (the Go
// compiler) does not ship; so, as the TypeScript 7 announcement advises for tools that need it,
// package.json installs `typescript` as an alias of @typescript/typescript6 (6.0, the last release
// with that API, which typescript-eslint supports) and takes `tsc` from typescript@7 installed as
// `@typescript/native`. Drop the alias once typescript-eslint reads TypeScript 7.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

/** Deno code: edge functions and the edge runtime's main process and worker bootstrap, outside tsconfig.json. */
const denoFiles = [
  "functions/**",
  "tests/fixtures/functions/**",
  "supabase/stack/edge-runtime/main-runtime.js",
  "supabase/stack/edge-runtime/worker-bootstrap.js",
];

const stackStartFiles = ["supabase/stack/start.js", "supabase/stack/build-cache.js"];

export default defineConfig(
  { ignores: ["node_modules/", "clients/database.types.ts"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Rows from pg and JSON from the wire are `any` by their libraries' types; checking every
      // use of them would mean a type or a cast on each of some 600 reads, mostly in tests.
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // String(value) on values from the wire (Phoenix refs and events, JSON fields, row values)
      // is the intended lenient conversion.
      "@typescript-eslint/no-base-to-string": "off",
      // supabase-js documents its subscribe states as the strings they are ("SUBSCRIBED").
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      // As tsc's noUnusedLocals/noUnusedParameters: a leading underscore marks a name as unused.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // Tests read loose JSON documents (Open Badges, webhook payloads) field by field.
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // start.js (and the compile cache it imports) is plain JavaScript so that Node runs it without a
    // loader (it compiles the rest).
    files: [...denoFiles, "eslint.config.js", ...stackStartFiles],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: stackStartFiles,
    languageOptions: { globals: { process: "readonly" } },
  },
  {
    files: denoFiles,
    languageOptions: {
      globals: {
        Deno: "readonly",
        console: "readonly",
        // The Web APIs the edge runtime's own files use.
        self: "readonly",
        Worker: "readonly",
        MessageChannel: "readonly",
        TextDecoderStream: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        queueMicrotask: "readonly",
      },
    },
  },
);
