import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

/** A private copy of a fixture folder that a test may change. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `pitlane-${name.replace(/\W/g, "-")}-`));
  await cp(path.join(projectRoot, "tests/fixtures", name), dir, { recursive: true });
  return dir;
}

/** A 4×2 PNG (black and white pixels): enough to upload as an image, embed as a signature or show as a logo. */
export const tinyPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAAAAACDrVfAAAAAEklEQVR4nGNgYPj/n4GBgYEBAA/4Af+AeClbAAAAAElFTkSuQmCC",
  "base64",
);
