import { readdir, readFile } from "node:fs/promises";

/** A running process as Linux's /proc describes it. */
export interface ProcessInfo {
  pid: number;
  parent: number;
  /** The executable's name (`postgres` for PostgreSQL's processes, whatever their title). */
  name: string;
  cmdline: string;
  /** Resident memory in bytes. */
  rss: number;
  /** CPU time so far, its own and that of its children that ended (PostgreSQL's backends). */
  cpuSeconds: number;
  /** Page faults so far served without reading from disk (memory touched for the first time). */
  minorFaults: number;
}

/** A process from /proc, or undefined when it is gone (or there is no /proc). */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  const [stat, cmdline, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/status`, "utf8").catch(() => ""),
  ]);
  if (!stat) return undefined;
  const close = stat.lastIndexOf(")");
  // After the name: state, ppid, …; minflt is the 8th; utime, stime, cutime and cstime are the
  // 12th to the 15th, in clock ticks.
  const fields = stat.slice(close + 2).split(" ");
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return {
    pid,
    parent: Number(fields[1]),
    name: stat.slice(stat.indexOf("(") + 1, close),
    cmdline: cmdline.replaceAll("\0", " "),
    rss: rssKb * 1024,
    cpuSeconds: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100,
    minorFaults: Number(fields[7]),
  };
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

/** CPU seconds so far of a process and its descendants (the stack: Node, PostgreSQL, Deno). */
export async function treeCpuSeconds(root: number): Promise<{ node: number; postgres: number }> {
  const total = { node: 0, postgres: 0 };
  for (const p of await processTree(root))
    total[p.name.startsWith("postgres") ? "postgres" : "node"] += p.cpuSeconds;
  return total;
}
