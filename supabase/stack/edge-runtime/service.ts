import type { FSWatcher } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import path from "node:path";
import { publish } from "../http/events.ts";
import { sendJson } from "../http/json.ts";
import { JwtRejected, verifyJwt, type VerificationKeys } from "../http/jwt.ts";
import type { Service, ServiceDeps } from "../http/service.ts";
import { type FunctionSpec, listFunctions, resolveFunction } from "./catalog.ts";
import { functionEnv, missingSecrets, readEnvFile } from "./env.ts";
import { proxyToWorker } from "./proxy.ts";
import { denoExecutable, WorkerPool } from "./runtime.ts";
import { watchFunctions } from "./watch.ts";

/**
 * Seconds a function may stay silent before the gateway answers 504: Supabase's request idle
 * timeout (150 s). config.toml has no key for it (the CLI refuses unknown keys), so it is an
 * environment variable.
 */
function functionsTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.PITLANE_FUNCTIONS_TIMEOUT_SECONDS ?? 150);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(
      `PITLANE_FUNCTIONS_TIMEOUT_SECONDS must be a positive number of seconds, not "${env.PITLANE_FUNCTIONS_TIMEOUT_SECONDS}"`,
    );
  return seconds * 1000;
}

/**
 * The main worker's verify_jwt check, with its 401 answers. It parses `Authorization` itself, as
 * the edge runtime's main worker does (split on a space, the scheme exactly "Bearer"), after the
 * router has forwarded the apikey as a bearer token.
 */
async function verifiedRole(
  headers: IncomingHttpHeaders,
  keys: VerificationKeys,
): Promise<{ role: string } | { error: string }> {
  const authorization = headers.authorization;
  if (!authorization) return { error: "Error: Missing authorization header" };
  const [scheme, token] = authorization.split(" ");
  if (scheme !== "Bearer" || !token) return { error: "Error: Auth header is not 'Bearer {token}'" };
  try {
    const claims = await verifyJwt(token, keys);
    return { role: typeof claims.role === "string" ? claims.role : "-" };
  } catch (error) {
    if (error instanceof JwtRejected) return { error: "Invalid JWT" };
    throw error;
  }
}

/**
 * Edge functions at /functions/v1/<name>, each in its own Web Worker of one Deno process (the
 * `deno` npm package), as Supabase's edge runtime runs them.
 * Says at start which functions lack secrets they declare, whose routes answer 503 until set.
 */
export async function createFunctionsService(deps: ServiceDeps): Promise<Service> {
  const { options, config, keys } = deps;
  const paths = { functionsDir: options.functions, configDir: path.dirname(options.config) };
  const timeoutMs = functionsTimeoutMs();
  const pool = new WorkerPool({ deno: denoExecutable(), log: deps.log.info });

  const loadEnv = async () =>
    functionEnv({
      apiUrl: `http://127.0.0.1:${options.apiPort}`,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      dbUrl: deps.dbUrl,
      secrets: {
        ...config.edge_runtime.secrets,
        ...(await readEnvFile(path.join(options.functions, ".env"))),
      },
    });
  let env = loadEnv();
  const functionsAtStart = await listFunctions(config, paths);
  for (const { name, missing } of await missingSecrets(functionsAtStart, await env)) {
    deps.log.info(
      `functions/${name} lacks ${missing.join(", ")}: set them in ${path.relative(process.cwd(), path.join(options.functions, ".env"))}; until then what needs them answers 503`,
    );
  }
  let closed = false;
  if (process.env.PITLANE_FUNCTIONS_PREWARM !== "off") void prewarm(functionsAtStart);
  const watcher: FSWatcher | undefined = watchFunctions(options.functions, {
    function: (name) => pool.retire([name]),
    everything: () => {
      env = loadEnv();
      pool.retire();
    },
  });

  /**
   * Boots every function's worker after start, one at a time, so that a function's first call
   * costs no more than its second (a worker takes a few hundred milliseconds to load its imports).
   */
  async function prewarm(specs: FunctionSpec[]): Promise<void> {
    for (const spec of specs) {
      const functionEnv = await env;
      if (closed) return;
      await pool.workerFor(spec, functionEnv).port.catch(() => undefined);
    }
    deps.log.info(
      `functions: ${specs.map((spec) => spec.name).join(", ")} started ahead of their first call`,
    );
  }

  return {
    prefix: "/functions/v1",
    ownsPreflight: true,
    apikeyAsBearer: true,
    async handle(req, res, ctx) {
      const name = ctx.path.split("/")[1] ?? "";
      const spec = await resolveFunction(name, config, paths);
      if (!spec) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("Function not found");
        return;
      }
      const at = new Date();
      // Observers (the console) see each call once its answer is sent or its caller has gone.
      res.once("close", () =>
        publish("function-invocation", {
          at: at.toISOString(),
          function: name,
          method: req.method ?? "GET",
          path: ctx.path + ctx.url.search,
          status: res.statusCode,
          milliseconds: Date.now() - at.getTime(),
        }),
      );
      if (spec.verifyJwt && req.method !== "OPTIONS") {
        const verified = await verifiedRole(req.headers, keys);
        if ("error" in verified) {
          sendJson(res, 401, { msg: verified.error });
          return;
        }
        ctx.role = verified.role;
      }
      const worker = pool.workerFor(spec, await env);
      await proxyToWorker(
        req,
        res,
        worker,
        { path: ctx.path + ctx.url.search, headers: req.headers },
        timeoutMs,
      );
    },
    async close() {
      closed = true;
      watcher?.close();
      await pool.close();
    },
  };
}
