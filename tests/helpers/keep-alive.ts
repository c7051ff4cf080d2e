import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface KeptAliveAnswer {
  status: number;
  body: string;
  /** Whether the request went out on a connection an earlier request had used. */
  reusedSocket: boolean;
}

/** `total` bytes in 1 MiB chunks, sent as made (no Content-Length: chunked). */
export function streamedBytes(total: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += chunk.length)
        yield chunk.subarray(0, Math.min(chunk.length, total - sent));
    })(),
  );
}

/**
 * A request through `agent` (keep-alive, one socket: each request reuses the last one's
 * connection), its body streamed. Resolves once the answer is read and the whole body sent, so
 * the next request through `agent` takes the same connection. A client gives up after 5 s.
 */
export function requestKeptAlive(
  agent: http.Agent,
  url: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Readable } = {},
): Promise<KeptAliveAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      agent,
      method: options.method ?? "GET",
      headers: options.headers,
      signal: AbortSignal.timeout(5000),
    });
    request.on("error", (error) =>
      reject(new Error(`${url}: no answer within the client's 5 s`, { cause: error })),
    );
    const sent = options.body ? pipeline(options.body, request) : Promise.resolve(request.end());
    sent.catch(reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        sent.then(
          () =>
            resolve({
              status: response.statusCode!,
              body: Buffer.concat(chunks).toString(),
              reusedSocket: request.reusedSocket,
            }),
          reject,
        );
      });
    });
  });
}
