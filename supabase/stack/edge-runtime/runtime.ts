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

const mainRuntime = path.join(import.meta.dirname, "main-runtime.js");

/** The worker ended before its Deno.serve listened: a syntax error, a throw at load, a bad import. */
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

/**
 * V8's settings for the runtime's isolates, for memory: each worker is a V8 isolate of its own, and
 * ten idle ones with default settings hold some 25 MB each. A 1 MB young generation (16 MB by
 * default) and V8's memory reducer starting a second after a worker goes quiet (30 s by default)
 * take about 5 MB off each; a request's garbage still fits the young generation many times over.
 */
const workerV8Flags = [
  "--max-semi-space-size=1",
  "--memory-reducer-delay-ms=1000",
  "--gc-memory-reducer-start-delay-ms=1000",
  // For worker-bootstrap.js's one collection after a function has loaded; functions do not see it.
  "--expose-gc",
];

/** What main-runtime.js reports about a worker, one JSON object a line after its nonce. */
type RuntimeEvent =
  | { event: "ready"; id: number; port: number }
  | { event: "log"; id: number; text: string }
  | { event: "exit"; id: number }
  | { event: "stuck"; id: number };

interface WorkerListener {
  ready(port: number): void;
  log(text: string): void;
  exit(): void;
}

/**
 * One Deno process of the edge runtime (main-runtime.js): the workers of every function that
 * shares one Deno configuration, each function in a Web Worker of its own. Deno resolves imports
 * per process, so functions with different import maps or deno.json need different processes.
 */
export class DenoRuntime {
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly listeners = new Map<number, WorkerListener>();
  private nextId = 1;
  /** Takes no new workers and ends once its last worker has. */
  private retiring = false;

  constructor(
    resolution: string[],
    options: RuntimeOptions,
    /** A stopped worker is spinning in a loop, which cannot be ended inside this process. */
    private readonly onStuck: () => void,
  ) {
    const nonce = randomUUID();
    this.child = spawn(
      options.deno,
      [
        "run",
        "--no-prompt",
        // Workers' own permissions (`deno.permissions` in Worker options) are still unstable.
        "--unstable-worker-options",
        // The most a worker may get; main-runtime.js gives each one less (no environment).
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        "--allow-sys",
        "--allow-import",
        `--v8-flags=${workerV8Flags.join(",")}`,
        ...resolution,
        mainRuntime,
      ],
      {
        cwd: projectRoot,
        env: {
          ...denoNetworkEnv(),
          ...denoSettings(),
          // glibc gives each thread (one a worker) its own malloc arena, which keeps freed memory.
          MALLOC_ARENA_MAX: "2",
          // Blocks of 64 KB and more (V8's compile zones, module sources) are mapped on their own
          // and unmapped when freed, and free memory at the heap's top goes back to the system
          // sooner: about 10 MB less at rest with ten warm functions. A fixed mmap threshold stops
          // glibc raising it, which would bring those blocks back into the heap.
          GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536",
          PITLANE_RUNTIME_NONCE: nonce,
        },
        // stdin carries the stack's commands; when it closes the runtime exits, so it never
        // outlives the stack.
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    this.child.stdin!.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.once("error", (error) => {
        options.log(`[functions] cannot start Deno: ${error.message}`);
        resolve();
      });
    });
    void this.exited.then(() => {
      const listeners = [...this.listeners.values()];
      this.listeners.clear();
      for (const listener of listeners) listener.exit();
    });
    const prefix = `${nonce} `;
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      if (line.startsWith(prefix)) this.dispatch(JSON.parse(line.slice(prefix.length)));
      else options.log(`[functions] ${line}`);
    });
    createInterface({ input: this.child.stderr! }).on("line", (line) =>
      options.log(`[functions] ${line}`),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Whether it still takes new workers. */
  get accepting(): boolean {
    return this.alive && !this.retiring;
  }

  /** Boots a function in a new worker; the listener hears of its port, its output and its end. */
  start(spec: FunctionSpec, env: Record<string, string>, listener: WorkerListener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    if (this.alive) {
      const entrypoint = pathToFileURL(spec.entrypoint).href;
      this.command({ op: "start", id, name: spec.name, entrypoint, env });
    } else queueMicrotask(() => this.dispatch({ event: "exit", id }));
    return id;
  }

  stop(id: number): void {
    if (this.listeners.has(id)) this.command({ op: "stop", id });
  }

  /** Takes no new workers, and exits once those it has are gone. */
  retire(): void {
    this.retiring = true;
    if (this.listeners.size === 0) this.kill();
  }

  kill(): void {
    if (this.alive) this.child.kill("SIGKILL");
  }

  private command(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  private dispatch(message: RuntimeEvent): void {
    const listener = this.listeners.get(message.id);
    if (!listener) return;
    if (message.event === "ready") listener.ready(message.port);
    else if (message.event === "log") listener.log(message.text);
    else if (message.event === "stuck") {
      listener.log("did not stop (a synchronous loop?): its runtime process will be replaced");
      this.onStuck();
    } else {
      this.listeners.delete(message.id);
      listener.exit();
      if (this.retiring && this.listeners.size === 0) this.kill();
    }
  }
}

/** One function's worker, serving every request for it concurrently (the CLI's per_worker policy). */
export class FunctionWorker {
  /** The loopback port its Deno.serve listens on, once it does. */
  readonly port: Promise<number>;
  readonly exited: Promise<void>;
  private readonly id: number;
  private ended = false;
  private inFlight = 0;
  private retired = false;

  constructor(
    readonly spec: FunctionSpec,
    env: Record<string, string>,
    readonly runtime: DenoRuntime,
    options: RuntimeOptions,
  ) {
    const output: string[] = [];
    const print = (line: string) => {
      output.push(line);
      if (output.length > 20) output.shift();
      options.log(`[functions/${spec.name}] ${line}`);
      publish("function-log", { at: new Date().toISOString(), function: spec.name, line });
    };
    const started = performance.now();
    let ended!: () => void;
    this.exited = new Promise((resolve) => (ended = resolve));
    let listener!: WorkerListener;
    this.port = new Promise((resolve, reject) => {
      listener = {
        ready(port) {
          // As the edge runtime logs it: how long the worker took to boot.
          print(`booted (time: ${Math.round(performance.now() - started)}ms)`);
          resolve(port);
        },
        log: (text) => text.split("\n").forEach(print),
        exit: () => {
          this.ended = true;
          reject(new BootFailure(output.join("\n")));
          ended();
        },
      };
    });
    // A worker that fails to boot is reported per request; this keeps it from being unhandled.
    this.port.catch(() => undefined);
    this.id = runtime.start(spec, env, listener);
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Counts a request in; the returned function counts it out. */
  begin(): () => void {
    this.inFlight++;
    return () => {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) this.kill();
    };
  }

  /** Stops taking requests and ends once those in flight are answered. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.kill();
  }

  kill(): void {
    if (!this.ended) this.runtime.stop(this.id);
  }
}

/**
 * The running workers by function name, in one runtime process per Deno configuration. A worker
 * that ended or was retired is replaced on the next request.
 */
export class WorkerPool {
  private readonly workers = new Map<string, FunctionWorker>();
  private readonly runtimes = new Map<string, DenoRuntime>();

  constructor(private readonly options: RuntimeOptions) {}

  workerFor(spec: FunctionSpec, env: Record<string, string>): FunctionWorker {
    const current = this.workers.get(spec.name);
    if (current?.alive && current.runtime.accepting && sameSpec(current.spec, spec)) return current;
    current?.retire();
    const worker = new FunctionWorker(spec, env, this.runtimeFor(spec), this.options);
    this.workers.set(spec.name, worker);
    void worker.exited.then(() => {
      if (this.workers.get(spec.name) === worker) this.workers.delete(spec.name);
    });
    return worker;
  }

  private runtimeFor(spec: FunctionSpec): DenoRuntime {
    const resolution = resolutionArgs(spec);
    const key = resolution.join("\0");
    const current = this.runtimes.get(key);
    if (current?.accepting) return current;
    // A worker stuck in a loop is ended with its process: new work goes to a fresh one, and the
    // old one exits once the other functions' requests in it are answered.
    const runtime = new DenoRuntime(resolution, this.options, () => {
      for (const [name, worker] of this.workers) {
        if (worker.runtime !== runtime) continue;
        this.workers.delete(name);
        worker.retire();
      }
      runtime.retire();
    });
    this.runtimes.set(key, runtime);
    void runtime.exited.then(() => {
      if (this.runtimes.get(key) === runtime) this.runtimes.delete(key);
    });
    return runtime;
  }

  /**
   * After an edit: the next request to these functions (all when no names are given) boots fresh
   * code. Deno reads an import map or deno.json once per process, so an edit that may touch one
   * (any, when no names are given; a function's own folder otherwise) also retires the runtime.
   */
  retire(names?: string[]): void {
    for (const [name, worker] of this.workers) {
      if (names && !names.includes(name)) continue;
      this.workers.delete(name);
      worker.retire();
      const config = worker.spec.denoConfig ?? worker.spec.importMap;
      if (!names || (config && path.dirname(config) === path.dirname(worker.spec.entrypoint)))
        worker.runtime.retire();
    }
    if (!names) for (const runtime of this.runtimes.values()) runtime.retire();
  }

  async close(): Promise<void> {
    const runtimes = [...this.runtimes.values()];
    this.runtimes.clear();
    this.workers.clear();
    for (const runtime of runtimes) runtime.kill();
    await Promise.all(runtimes.map((runtime) => runtime.exited));
  }
}

function sameSpec(a: FunctionSpec, b: FunctionSpec): boolean {
  return (
    a.entrypoint === b.entrypoint && a.denoConfig === b.denoConfig && a.importMap === b.importMap
  );
}
