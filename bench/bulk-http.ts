import net from "node:net";

export interface BulkResponse {
  status: number;
  body: Buffer;
}

/** The one buffer every read lands in: the client allocates nothing per read. */
const readBuffer = Buffer.allocUnsafe(1024 * 1024);

/**
 * One HTTP/1.1 request on a connection of its own, for the 10 MB transfers. node:http's client
 * allocates a buffer per 64 KiB socket read and parses each through its stream machinery: on
 * this machine that took 18–25 ms of CPU per 10 MB received against the server's 3.5, so the
 * download figure measured the client. This one reads into one reused buffer (net's `onread`)
 * and copies the body into `bodyBuffer` (a buffer the caller reuses) or else into a new buffer of its
 * Content-Length. It sends the head and body in one corked write. A response without
 * Content-Length, cut short, or longer than announced (or than `bodyBuffer`) rejects.
 */
export function bulkRequest(
  url: URL,
  method: "GET" | "POST",
  headers: Record<string, string>,
  body?: Buffer,
  bodyBuffer?: Buffer,
): Promise<BulkResponse> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    let response: BulkResponse | undefined;
    let received = 0;
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    const onData = (bytes: number, into: Uint8Array): boolean => {
      let chunk = Buffer.from(into.buffer, into.byteOffset, bytes);
      if (!response) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return true;
        const [statusLine = "", ...fields] = head.subarray(0, end).toString("latin1").split("\r\n");
        const length = fields
          .map((field) => /^content-length:\s*(\d+)\s*$/i.exec(field)?.[1])
          .find((value) => value !== undefined);
        if (length === undefined) {
          fail(new Error(`${method} ${url.pathname}: no Content-Length in "${statusLine}"`));
          return false;
        }
        if (bodyBuffer && bodyBuffer.length < Number(length)) {
          fail(new Error(`${method} ${url.pathname}: ${length} bytes do not fit the buffer given`));
          return false;
        }
        response = {
          status: Number(statusLine.split(" ")[1]),
          body: bodyBuffer
            ? bodyBuffer.subarray(0, Number(length))
            : Buffer.allocUnsafe(Number(length)),
        };
        chunk = head.subarray(end + 4);
      }
      if (received + chunk.length > response.body.length) {
        fail(new Error(`${method} ${url.pathname}: more bytes than Content-Length`));
        return false;
      }
      received += chunk.copy(response.body, received);
      // The server closes the connection itself (`connection: close`) once its response has
      // finished: closing it here first would cut off a server still finishing its response.
      if (received === response.body.length) resolve(response);
      return true;
    };
    const socket = net.connect(
      {
        host: url.hostname,
        port: Number(url.port),
        onread: { buffer: readBuffer, callback: onData },
      },
      () => {
        const lines = [
          `${method} ${url.pathname}${url.search} HTTP/1.1`,
          `host: ${url.host}`,
          "connection: close",
          `content-length: ${body?.length ?? 0}`,
          ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        ];
        socket.cork();
        socket.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (body) socket.write(body);
        socket.uncork();
      },
    );
    socket.on("error", reject);
    socket.on("close", () => {
      if (!response || received < response.body.length)
        reject(
          new Error(`${method} ${url.pathname}: the connection closed before the whole answer`),
        );
    });
  });
}
