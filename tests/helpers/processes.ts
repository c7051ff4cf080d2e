import { readdir, readFile } from "node:fs/promises";

/** A running process as Linux's /proc describes it. */
export interface ProcessInfo {
  pid: number;
  parent: number;
  cmdline: string;
  /** Resident memory in bytes. */
  rss: number;
}

async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  const [stat, cmdline, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/status`, "utf8").catch(() => ""),
  ]);
  if (!stat) return undefined;
  const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return { pid, parent, cmdline: cmdline.replaceAll("\0", " "), rss: rssKb * 1024 };
}

/** A process and everything it started, children first found, the process itself first. */
export async function processTree(root: number): Promise<ProcessInfo[]> {
  const all: ProcessInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await processInfo(Number(entry));
    if (info) all.push(info);
  }
  const tree = all.filter((info) => info.pid === root);
  for (let i = 0; i < tree.length; i++)
    tree.push(...all.filter((info) => info.parent === tree[i]!.pid));
  return tree;
}

/** The pids of a stack's edge runtime processes (main-runtime.js), sorted. */
export async function edgeRuntimes(stackPid: number): Promise<number[]> {
  return (await processTree(stackPid))
    .filter((info) => info.cmdline.includes("main-runtime.js"))
    .map((info) => info.pid)
    .sort((a, b) => a - b);
}
