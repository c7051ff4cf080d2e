// A body answered before it was read (refused as too large): the connection must go on to the
// client's next request, as behind nginx, Supabase's gateway (supabase/stack/http/body.ts).
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  BodyTooLargeError,
  discardRestOfBody,
  pipeBody,
  readBody,
} from "../../supabase/stack/http/body.ts";
import { requestKeptAlive, streamedBytes } from "../helpers/keep-alive.ts";

const limit = 1024 * 1024;
let server: http.Server | undefined;

/** A server that reads bodies up to 1 MiB, as the gateway's services do, and answers 413 past it. */
async function bodyReadingServer(lingeringMs?: number): Promise<string> {
  server = http.createServer((req, res) => {
    res.on("finish", () => discardRestOfBody(req, lingeringMs));
    readBody(req, limit).then(
      (body) => res.end(`read ${body.length}`),
      (error: unknown) => {
        res.statusCode = error instanceof BodyTooLargeError ? 413 : 500;
        res.end("refused");
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("a body refused before it was read", () => {
  it("is read to its end, and the connection answers the client's next request", async () => {
    const url = await bodyReadingServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let round = 0; round < 3; round++) {
        const refused = await requestKeptAlive(agent, url, {
          method: "POST",
          body: streamedBytes(3 * 1024 * 1024),
        });
        expect(refused).toMatchObject({ status: 413, body: "refused" });
        const next = await requestKeptAlive(agent, url, {
          method: "POST",
          body: streamedBytes(1000),
        });
        expect(next).toEqual({ status: 200, body: "read 1000", reusedSocket: true });
      }
    } finally {
      agent.destroy();
    }
  });

  it("has its connection closed when its client is still sending after the lingering time", async () => {
    const url = new URL(await bodyReadingServer(100));
    const client = net.connect(Number(url.port), url.hostname);
    const answered: Buffer[] = [];
    client.on("data", (chunk: Buffer) => answered.push(chunk));
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    // 2 MiB of the 10 MiB announced, then nothing more, the connection left open.
    client.write(`POST / HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: ${10 * limit}\r\n\r\n`);
    client.write(Buffer.alloc(2 * limit));
    const gaveUp = AbortSignal.timeout(5000);
    await Promise.race([
      closed,
      new Promise((_, reject) =>
        gaveUp.addEventListener("abort", () => reject(new Error("the connection stayed open"))),
      ),
    ]);
    expect(Buffer.concat(answered).toString()).toMatch(/^HTTP\/1\.1 413 /);
  });
});

/** How often a socket's reads were stopped (Node's HTTP parser stops them for a full request buffer). */
function countReadStops(socket: net.Socket): () => number {
  const handle = (socket as unknown as { _handle: { readStop(): number } })._handle;
  const readStop = handle.readStop.bind(handle);
  let stops = 0;
  handle.readStop = () => {
    stops++;
    return readStop();
  };
  return () => stops;
}

describe("pipeBody", () => {
  it("hands each chunk to a sink that keeps up without stopping the socket's reads", async () => {
    server = http.createServer((req, res) => {
      const readStops = countReadStops(req.socket);
      let stored = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          stored += chunk.length;
          done();
        },
      });
      void pipeBody(req, sink).then(() => res.end(`stored ${stored}, read stops ${readStops()}`));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // 8 MiB arrive in 64 KiB chunks: iterating the request stopped the socket's reads after
      // every one of them (128 times).
      const answer = await requestKeptAlive(agent, url, {
        method: "POST",
        body: streamedBytes(8 * limit),
      });
      expect(answer.body).toMatch(new RegExp(`^stored ${8 * limit}, read stops [0-3]$`));
    } finally {
      agent.destroy();
    }
  });

  it("fails on a refusing sink and leaves the body to its request, undestroyed", async () => {
    const refusal = new Error("refused");
    const failures: { error: unknown; requestDestroyed: boolean }[] = [];
    server = http.createServer((req, res) => {
      res.on("finish", () => discardRestOfBody(req));
      if (req.url === "/next") {
        req.resume();
        res.end("next");
        return;
      }
      const sink = new Writable({ write: (_chunk, _encoding, done) => done(refusal) });
      pipeBody(req, sink).catch((error: unknown) => {
        failures.push({ error, requestDestroyed: req.destroyed });
        res.end("refused");
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await requestKeptAlive(agent, url, {
        method: "POST",
        body: streamedBytes(2 * limit),
      });
      expect(refused.body).toBe("refused");
      expect(failures).toEqual([{ error: refusal, requestDestroyed: false }]);
      // A destroyed request would have left the connection unable to read the next one.
      const next = await requestKeptAlive(agent, `${url}/next`);
      expect(next).toEqual({ status: 200, body: "next", reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });
});
