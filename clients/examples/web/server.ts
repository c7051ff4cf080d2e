// Serves the example app: the page, app.ts bundled for the browser by esbuild, and config.json
// with the stack's URL and anon key (never the service role key).
//
//   npm run example:web                    against `npm start`'s stack (127.0.0.1:54321)
//   PITLANE_URL=… PITLANE_ANON_KEY=… PORT=… npm run example:web
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The CLI's local defaults, as `npm start` prints them. */
const localAnonKey =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

export async function serveExample(options: { url: string; anonKey: string; port?: number }) {
  const bundle = await build({
    entryPoints: [path.join(here, "app.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
  });
  const app = bundle.outputFiles[0]!.contents;
  const page = await readFile(path.join(here, "index.html"));
  const config = JSON.stringify({ url: options.url, anonKey: options.anonKey });
  const server: Server = createServer((req, res) => {
    const route = new URL(req.url ?? "/", "http://localhost").pathname;
    if (route === "/") res.writeHead(200, { "content-type": "text/html" }).end(page);
    else if (route === "/app.js")
      res.writeHead(200, { "content-type": "text/javascript" }).end(app);
    else if (route === "/config.json")
      res.writeHead(200, { "content-type": "application/json" }).end(config);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const served = await serveExample({
    url: process.env.PITLANE_URL ?? "http://127.0.0.1:54321",
    anonKey: process.env.PITLANE_ANON_KEY ?? localAnonKey,
    port: Number(process.env.PORT ?? 3000),
  });
  console.log(`example web app: ${served.url}`);
}
