import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

const run = promisify(execFile);

/** The README's JavaScript examples, in order: every fenced ```js block. */
const examples = (await readFile(path.join(projectRoot, "README.md"), "utf8"))
  .split(/^```js\n/m)
  .slice(1)
  .map((block) => block.split(/^```$/m)[0]!);

// Inside node_modules, so that imports resolve from the project as they would for the reader, and
// an interrupted run leaves nothing in the working tree.
const scratch = path.join(projectRoot, "node_modules/.cache/readme-examples");
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

// Docs that can fail: each example runs as a reader would run it (a module that imports from the project
// folder, `node <file>`), on this Node (the oldest `engines` allows in CI), against the test stack,
// which has the same keys and demo seed as `npm start`: only the port differs.
describe("the README's examples", () => {
  it("are there", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples.map((code, i) => [i + 1, code] as const))(
    "example %i runs as written",
    async (number, code) => {
      expect(code).toContain("http://127.0.0.1:54321");
      await mkdir(scratch, { recursive: true });
      const file = path.join(scratch, `example-${process.pid}-${number}.mjs`);
      await writeFile(file, code.replaceAll("http://127.0.0.1:54321", stack().apiUrl));
      const { stdout } = await run(process.execPath, [file], { cwd: projectRoot, timeout: 30_000 });
      expect(stdout).toMatch(
        /signed in as eko@nusantara-club\.test|heard: \{ text: 'hi from the other app' \}/,
      );
    },
  );
});
