import type { IncomingMessage } from "node:http";

/** A request body over the service's limit; each service answers it in its own error shape. */
export class BodyTooLargeError extends Error {}

/** The body of every request without one; a zero-length buffer cannot be changed, so one is shared. */
const noBody = Buffer.alloc(0);

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
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
