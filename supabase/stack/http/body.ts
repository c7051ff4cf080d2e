import type { IncomingMessage } from "node:http";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream";

/** A request body over the service's limit; each service answers it in its own error shape. */
export class BodyTooLargeError extends Error {}

/** The body of every request without one; a zero-length buffer cannot be changed, so one is shared. */
const noBody = Buffer.alloc(0);

/**
 * A request's body to read from without owning the request. Iterating the request itself, or
 * piping it with `pipeline`, destroys it when the reader stops early (a body refused as too
 * large); Node then detaches the socket from it with the rest of the body unread and the socket
 * paused, so the connection never reads the client's next request. Left undestroyed, the rest is
 * discarded once the answer is sent (`discardRestOfBody`).
 */
export function bodyChunks(body: Readable): AsyncIterable<Buffer> {
  return body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
}

/**
 * Pipes a body into `sink`, resolving once `sink` has finished, without owning the body (see
 * `bodyChunks`): a sink that fails leaves the body undestroyed, and a body cut off (an aborted
 * request) fails the sink. Flowing, as `pipe`: each chunk goes to the sink as it is parsed.
 * Iterating instead buffers each chunk in the request first, and a 64 KiB chunk over the
 * request's 16 KiB highWaterMark stops the socket's reads until the reader's next `read()`: some
 * 200 epoll_ctl calls and event-loop turns per 10 MB, against 14 this way.
 */
export function pipeBody(body: Readable, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const stopWatchingBody = finished(body, { writable: false }, (error) => {
      if (error) sink.destroy(error);
    });
    finished(sink, (error) => {
      stopWatchingBody();
      if (error) reject(error);
      else resolve();
    });
    body.pipe(sink);
  });
}

/** Reads a request's whole body, refusing it as soon as it is known to exceed `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  // A request has a body only with Content-Length or Transfer-Encoding (RFC 9112 6.3); most GETs
  // have neither, and iterating an empty stream is a cost every one of them would pay.
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined)
    return noBody;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(req)) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * How long nginx (Supabase's gateway) keeps reading a body after it has answered without it
 * (`lingering_time`, 30 s by default) before it closes the connection.
 */
const lingeringTimeMs = 30_000;

/**
 * Once a request is answered, reads and drops what its client is still sending of its body, as
 * nginx does, so that the connection carries the client's next request. Closing the connection
 * instead, with bytes unread, makes the kernel send a reset that can destroy the answer before
 * the client reads it. A body still arriving after `lingeringMs` has its connection closed.
 */
export function discardRestOfBody(req: IncomingMessage, lingeringMs = lingeringTimeMs): void {
  if (req.complete || req.destroyed) return;
  req.resume();
  const giveUp = setTimeout(() => req.destroy(), lingeringMs);
  finished(req, () => clearTimeout(giveUp));
}
