import { spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { denoExecutable } from "../supabase/stack/edge-runtime/runtime.ts";
import { freePort, projectRoot, spawnStack } from "../supabase/stack/spawn-stack.ts";
import { processTree, type ProcessInfo } from "../tests/helpers/processes.ts";
import { row, type BenchRow } from "./rows.ts";

const warmFunctions = 10;
const callsEach = 3;
/** How long the stack rests before the second measure, as a stack between calls does. */
const restSeconds = 10;
const megabyte = 2 ** 20;

/** The stack's resident memory by part: the Node gateway, its Deno processes and PostgreSQL. */
async function residentMemory(stackPid: number) {
  const tree = await processTree(stackPid);
  const sum = (processes: ProcessInfo[]) =>
    processes.reduce((total, info) => total + info.rss, 0) / megabyte;
  const isDeno = (info: ProcessInfo) => /(^|\/)deno /.test(info.cmdline);
  const isPostgres = (info: ProcessInfo) => /postgres/.test(info.cmdline) && !isDeno(info);
  const deno = tree.filter(isDeno);
  return {
    node: sum(tree.filter((info) => !isDeno(info) && !isPostgres(info))),
    deno: sum(deno),
    denoProcesses: deno.length,
    postgres: sum(tree.filter(isPostgres)),
  };
}

/** The resident memory of one bare Deno process serving a one-line handler. */
async function bareDenoMegabytes(): Promise<number> {
  const port = await freePort();
  const deno = spawn(denoExecutable(), ["run", "--no-config", "--allow-net", "-"], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  deno.stdin.end(`Deno.serve({ port: ${port}, hostname: "127.0.0.1" }, () => new Response("ok"));`);
  try {
    for (let tries = 0; tries < 100; tries++) {
      const answered = await fetch(`http://127.0.0.1:${port}/`)
        .then((response) => response.text())
        .catch(() => undefined);
      if (answered !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [info] = await processTree(deno.pid!);
    return info!.rss / megabyte;
  } finally {
    deno.kill();
  }
}

/**
 * Resident memory of a stack serving the project's functions, before any function booted and
 * with ten of them warm (just called, and after a rest); the memory each warm function adds at
 * rest, next to one bare Deno process.
 */
export async function benchFunctionsMemory(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  try {
    const names = (await readdir(path.join(projectRoot, "functions"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
      .map((entry) => entry.name)
      .sort()
      .slice(0, warmFunctions);
    const idle = await residentMemory(stack.child.pid!);
    for (const name of names) {
      for (let i = 0; i < callsEach; i++) {
        const response = await fetch(`${stack.apiUrl}/functions/v1/${name}`, {
          headers: { authorization: `Bearer ${stack.serviceRoleKey}` },
        });
        const body = await response.text();
        if (response.status === 503 && body.includes("BOOT_ERROR"))
          throw new Error(`functions/${name} did not boot:\n${stack.output()}`);
      }
    }
    const warm = await residentMemory(stack.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, restSeconds * 1000));
    const rested = await residentMemory(stack.child.pid!);
    const bare = await bareDenoMegabytes();
    for (const [when, memory] of [
      ["just called", warm],
      [`after ${restSeconds} s`, rested],
    ] as const)
      process.stderr.write(
        `functions memory, ${when}: ${names.length} warm functions in ${memory.denoProcesses} Deno process(es); ` +
          `gateway ${memory.node.toFixed(0)} MB, Deno ${memory.deno.toFixed(0)} MB, ` +
          `PostgreSQL ${memory.postgres.toFixed(0)} MB (not counted)\n`,
      );
    return [
      row(
        `stack RSS (gateway + Deno), ${names.length} warm functions just called`,
        warm.node + warm.deno,
        "the same stack, no function booted",
        idle.node + idle.deno,
        "MB",
      ),
      row(
        `the same, after ${restSeconds} s at rest`,
        rested.node + rested.deno,
        "the same stack, no function booted",
        idle.node + idle.deno,
        "MB",
      ),
      row(
        "RSS added per warm function",
        (rested.node + rested.deno - idle.node - idle.deno) / names.length,
        "one bare Deno process",
        bare,
        "MB",
      ),
    ];
  } finally {
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
