import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../cli/options.ts";
import { publish } from "../http/events.ts";
import type { FunctionSpec } from "./catalog.ts";

/** The Deno executable the `deno` npm package installed: no global Deno needed. */
export function denoExecutable(): string {
  const require = createRequire(import.meta.url);
  const install = require("deno/install_api.cjs") as { runInstall(): string };
  return install.runInstall();
}

const bootstrap = path.join(import.meta.dirname, "worker-bootstrap.js");

/** The process exited before its Deno.serve listened: a syntax error, a throw at load, a bad import. */
export class BootFailure extends Error {}

/**
 * What Deno needs from the stack's own environment to fetch npm: dependencies: proxies, a
 * registry mirror, and the CA certificates Node is told to trust (Deno reads them as DENO_CERT).
 */
function denoNetworkEnv(): Record<string, string> {
  const passed = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "NPM_CONFIG_REGISTRY",
    "DENO_CERT",
    "DENO_TLS_CA_STORE",
  ];
  const env = Object.fromEntries(
    passed.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  if (!env.DENO_CERT && process.env.NODE_EXTRA_CA_CERTS)
    env.DENO_CERT = process.env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Deno's module and npm cache for functions, in the project: `npm install` fills it (postinstall:
 * install-cache.ts) so that functions start without the network and their first call downloads
 * nothing. A function whose imports are not in it yet (a new dependency) still downloads them here.
 */
export const functionsDenoDir = path.join(projectRoot, "node_modules", ".cache", "pitlane-deno");

/** Deno's settings for functions, when caching and when running them. */
function denoSettings(): Record<string, string> {
  return {
    DENO_DIR: functionsDenoDir,
    DENO_NO_UPDATE_CHECK: "1",
    // Pitlane's own package.json is not the function's: dependencies come from deno.json.
    DENO_NO_PACKAGE_JSON: "1",
    NO_COLOR: "1",
  };
}

/** How Deno resolves a function's imports: the same flags fill the cache and run the function. */
function resolutionArgs(spec: FunctionSpec): string[] {
  return [
    "--no-lock",
    ...(spec.denoConfig ? ["--config", spec.denoConfig] : ["--no-config"]),
    ...(spec.importMap ? ["--import-map", spec.importMap] : []),
  ];
}

/**
 * Downloads and compiles every module the functions import into functionsDenoDir, one `deno cache`
 * per set of resolution flags. Returns Deno's output when it fails.
 */
export async function cacheFunctions(
  deno: string,
  specs: FunctionSpec[],
): Promise<{ ok: boolean; output: string }> {
  const groups = new Map<string, { args: string[]; entrypoints: string[] }>();
  for (const spec of specs) {
    const args = resolutionArgs(spec);
    const group = groups.get(args.join("\0")) ?? { args, entrypoints: [] };
    group.entrypoints.push(spec.entrypoint);
    groups.set(args.join("\0"), group);
  }
  let output = "";
  for (const { args, entrypoints } of groups.values()) {
    const child = spawn(deno, ["cache", "--quiet", ...args, ...entrypoints], {
      cwd: projectRoot,
      env: { ...process.env, ...denoNetworkEnv(), ...denoSettings() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", resolve);
      child.once("error", (error) => {
        output += error.message;
        resolve(null);
      });
    });
    if (code !== 0) return { ok: false, output };
  }
  return { ok: true, output };
}

export interface RuntimeOptions {
  deno: string;
  log(line: string): void;
}

/** One function's Deno process, serving every request for it concurrently (the CLI's per_worker policy). */
export class FunctionWorker {
  /** The loopback port its Deno.serve listens on, once it does. */
  readonly port: Promise<number>;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private inFlight = 0;
  private retired = false;

  constructor(
    readonly spec: FunctionSpec,
    env: Record<string, string>,
    options: RuntimeOptions,
  ) {
    const nonce = randomUUID();
    const args = [
      "run",
      "--no-prompt",
      // What the edge runtime lets a function do: network, environment, files, no subprocesses.
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      "--allow-import",
      ...resolutionArgs(spec),
      bootstrap,
    ];
    this.child = spawn(options.deno, args, {
      cwd: path.dirname(spec.entrypoint),
      env: {
        ...denoNetworkEnv(),
        ...env,
        ...denoSettings(),
        PITLANE_FUNCTION_ENTRYPOINT: pathToFileURL(spec.entrypoint).href,
        PITLANE_WORKER_NONCE: nonce,
      },
      // stdin stays open and unused: the worker exits when it closes, so it never outlives the stack.
      stdio: ["pipe", "pipe", "pipe"],
    });
    const output: string[] = [];
    const print = (line: string) => {
      output.push(line);
      if (output.length > 20) output.shift();
      options.log(`[functions/${spec.name}] ${line}`);
      publish("function-log", { at: new Date().toISOString(), function: spec.name, line });
    };
    this.exited = new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.once("error", () => resolve());
    });
    this.port = new Promise((resolve, reject) => {
      createInterface({ input: this.child.stdout! }).on("line", (line) => {
        const ready = line.startsWith(`${nonce} ready `)
          ? Number(line.slice(nonce.length + 7))
          : undefined;
        if (ready) resolve(ready);
        else print(line);
      });
      createInterface({ input: this.child.stderr! }).on("line", print);
      this.child.once("error", (error) =>
        reject(new BootFailure(`cannot start Deno: ${error.message}`)),
      );
      void this.exited.then(() => reject(new BootFailure(output.join("\n"))));
    });
    // A worker that fails to boot is reported per request; this keeps it from being unhandled.
    this.port.catch(() => undefined);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Counts a request in; the returned function counts it out. */
  begin(): () => void {
    this.inFlight++;
    return () => {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) this.kill();
    };
  }

  /** Stops taking requests and exits once those in flight are answered. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.kill();
  }

  kill(): void {
    if (this.alive) this.child.kill("SIGKILL");
  }
}

/** The running workers by function name; a worker that exited or was retired is replaced on the next request. */
export class WorkerPool {
  private readonly workers = new Map<string, FunctionWorker>();

  constructor(private readonly options: RuntimeOptions) {}

  workerFor(spec: FunctionSpec, env: Record<string, string>): FunctionWorker {
    const current = this.workers.get(spec.name);
    if (current?.alive && sameSpec(current.spec, spec)) return current;
    current?.retire();
    const worker = new FunctionWorker(spec, env, this.options);
    this.workers.set(spec.name, worker);
    void worker.exited.then(() => {
      if (this.workers.get(spec.name) === worker) this.workers.delete(spec.name);
    });
    return worker;
  }

  /** After an edit: the next request to these functions (all when no names are given) boots fresh code. */
  retire(names?: string[]): void {
    for (const [name, worker] of this.workers) {
      if (names && !names.includes(name)) continue;
      this.workers.delete(name);
      worker.retire();
    }
  }

  async close(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    for (const worker of workers) worker.kill();
    await Promise.all(workers.map((worker) => worker.exited));
  }
}

function sameSpec(a: FunctionSpec, b: FunctionSpec): boolean {
  return (
    a.entrypoint === b.entrypoint && a.denoConfig === b.denoConfig && a.importMap === b.importMap
  );
}
