import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { sendJson } from "../http/json.ts";
import { BootFailure, type FunctionWorker } from "./runtime.ts";

/** The edge runtime's error answers (its main worker's codes and messages). */
const runtimeErrors = {
  boot: {
    status: 503,
    body: { code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" },
  },
  crashed: {
    status: 500,
    body: { code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" },
  },
  // Supabase's gateway gives up on a function that stays silent this long, with Kong's answer.
  timeout: { status: 504, body: { message: "The upstream server is timing out" } },
};

const agent = new http.Agent({ keepAlive: true });

/** Headers that describe one hop, not the request, and are not forwarded. */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

function forwardedHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

/**
 * Streams a request to the function's worker and its answer back, both bodies unbuffered. A
 * worker that dies mid-request is a 500, one that never boots a 503; silence longer than
 * `timeoutMs` (no response headers, or no body bytes for that long) is a 504 and recycles the
 * worker, since a function stuck in a loop would stall every request after it.
 */
export async function proxyToWorker(
  req: IncomingMessage,
  res: ServerResponse,
  worker: FunctionWorker,
  target: { path: string; headers: http.IncomingHttpHeaders },
  timeoutMs: number,
): Promise<void> {
  const done = worker.begin();
  try {
    let port: number;
    try {
      port = await worker.port;
    } catch (error) {
      if (!(error instanceof BootFailure)) throw error;
      sendJson(res, runtimeErrors.boot.status, runtimeErrors.boot.body);
      return;
    }
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (answer: { status: number; body: object }) => {
        clearTimeout(timer);
        if (!res.headersSent) sendJson(res, answer.status, answer.body);
        else res.destroy();
        upstream.destroy();
        resolve();
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          worker.kill();
          fail(runtimeErrors.timeout);
        }, timeoutMs);
      };
      const upstream = http.request({
        agent,
        host: "127.0.0.1",
        port,
        method: req.method,
        path: target.path,
        headers: forwardedHeaders(target.headers),
      });
      upstream.on("response", (answer) => {
        res.writeHead(
          answer.statusCode ?? 502,
          answer.statusMessage,
          forwardedHeaders(answer.headers),
        );
        answer.on("data", arm);
        answer.on("error", () => fail(runtimeErrors.crashed));
        answer.pipe(res);
        answer.on("end", () => {
          clearTimeout(timer);
          resolve();
        });
        arm();
      });
      upstream.on("error", () => fail(runtimeErrors.crashed));
      // The caller went away: stop the function's work on it too.
      res.on("close", () => {
        if (!res.writableFinished) {
          clearTimeout(timer);
          upstream.destroy();
          resolve();
        }
      });
      req.pipe(upstream);
      arm();
    });
  } finally {
    done();
  }
}
