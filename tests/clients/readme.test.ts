// Docs that can fail: every ```ts block of clients/README.md runs as a reader would run it
// (`node --import tsx`, importing @pitlane/sdk from the project) against the test stack, which has
// `npm start`'s keys and demo seed: only the port differs.
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

const run = promisify(execFile);

const examples = (await readFile(path.join(projectRoot, "clients/README.md"), "utf8"))
  .split(/^```ts\n/m)
  .slice(1)
  .map((block) => block.split(/^```$/m)[0]!);

// Inside node_modules, so that @pitlane/sdk resolves as it would for the reader; `.mts` because
// that folder has no package.json saying "type": "module", as the project has.
const scratch = path.join(projectRoot, "node_modules/.cache/sdk-readme-examples");
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("the SDK README's examples", () => {
  it("are there", () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(examples.map((code, i) => [i + 1, code] as const))(
    "example %i runs as written",
    async (number, code) => {
      expect(code).toContain("http://127.0.0.1:54321");
      await mkdir(scratch, { recursive: true });
      const file = path.join(scratch, `example-${process.pid}-${number}.mts`);
      await writeFile(file, code.replaceAll("http://127.0.0.1:54321", stack().apiUrl));
      const { stdout } = await run(process.execPath, ["--import", "tsx", file], {
        cwd: projectRoot,
        timeout: 30_000,
      });
      expect(stdout).toContain("signed in as Eko");
      expect(stdout).toContain("refused: 404 PT404");
    },
  );
});
