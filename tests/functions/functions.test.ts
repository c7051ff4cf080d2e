import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { FunctionsHttpError, type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../helpers/db.ts";
import { copyFixture } from "../helpers/files.ts";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { edgeRuntimes } from "../helpers/processes.ts";
import { accessTokenFor, supabaseClient } from "../helpers/supabase.ts";

/**
 * One extra stack serving tests/fixtures/functions (a private copy, which the hot reload tests
 * edit), with its config.toml and a 2-second function timeout.
 */
let stack: SpawnedStack;
let functionsDir: string;
let anon: SupabaseClient;

beforeAll(async () => {
  functionsDir = await copyFixture("functions");
  await writeFile(
    path.join(functionsDir, ".env"),
    '# secrets, as in functions/.env\nFIXTURE_SECRET="from .env"\n',
  );
  stack = await spawnStack({
    args: ["--functions", functionsDir, "--config", path.join(functionsDir, "config.toml")],
    env: { PITLANE_FUNCTIONS_TIMEOUT_SECONDS: "2" },
  });
  anon = supabaseClient(stack.anonKey, { apiUrl: stack.apiUrl });
});

afterAll(async () => {
  await stack?.stop();
});

const functionsUrl = (name: string) => `${stack.apiUrl}/functions/v1/${name}`;

/** Asks until `check` passes: hot reload follows file events, which arrive a moment after the write. */
async function eventually<T>(attempt: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await attempt();
  for (let tries = 0; tries < 50 && !check(value); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await attempt();
  }
  return value;
}

describe("functions.invoke", () => {
  it("passes JSON bodies, sub-paths, methods and headers, and gives Supabase's environment and the secrets", async () => {
    const { data, error } = await anon.functions.invoke("echo/sub/path?x=1", {
      body: { hello: "world" },
      headers: { "x-custom": "yes" },
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      greeting: "hello",
      method: "POST",
      path: "/echo/sub/path",
      search: "?x=1",
      custom: "yes",
      contentType: "application/json",
      body: '{"hello":"world"}',
      authorization: `Bearer ${stack.anonKey}`,
      env: {
        SUPABASE_URL: stack.apiUrl,
        SUPABASE_ANON_KEY: stack.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
        SUPABASE_DB_URL: stack.dbUrl,
        FIXTURE_SECRET: "from .env",
        CONFIG_SECRET: "from config.toml",
      },
    });
    for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
      expect((await anon.functions.invoke("echo", { method })).data).toMatchObject({ method });
    }
  });

  it("passes text, binary and FormData bodies", async () => {
    expect((await anon.functions.invoke("echo", { body: "plain text" })).data).toMatchObject({
      body: "plain text",
      contentType: "text/plain",
    });

    const binary = await anon.functions.invoke("binary", {
      body: new Uint8Array([1, 2, 3, 250]).buffer,
    });
    expect(binary.error).toBeNull();
    expect(new Uint8Array(await (binary.data as Blob).arrayBuffer())).toEqual(
      new Uint8Array([250, 3, 2, 1]),
    );

    const form = new FormData();
    form.append("title", "report");
    form.append("file", new Blob(["file body"], { type: "text/plain" }), "report.txt");
    expect((await anon.functions.invoke("form", { body: form })).data).toEqual({
      title: "report",
      file: { name: "report.txt", size: 9, type: "text/plain", text: "file body" },
    });
  });

  it("lets a function call the stack back through SUPABASE_URL", async () => {
    expect((await anon.functions.invoke("callback")).data).toEqual({
      status: 200,
      buckets: expect.any(Array),
    });
  });

  it("installs npm: dependencies from the function's deno.json", async () => {
    expect((await anon.functions.invoke("npm-dep", { body: { name: "Ada" } })).data).toEqual({
      hello: "Ada",
    });
    const invalid = await anon.functions.invoke("npm-dep", { body: { name: "" } });
    expect(invalid.error).toBeInstanceOf(FunctionsHttpError);
    expect(await (invalid.error as FunctionsHttpError).context.json()).toMatchObject({
      error: { code: "invalid_input" },
    });
  });

  it("surfaces error statuses as FunctionsHttpError with the function's response", async () => {
    const { data, error } = await anon.functions.invoke("status?status=422");
    expect(data).toBeNull();
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response = (error as FunctionsHttpError).context as Response;
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { code: "asked", message: "status 422" } });
  });
});

describe("verify_jwt and routing", () => {
  it("requires a valid JWT unless config.toml turns verify_jwt off", async () => {
    const missing = await fetch(functionsUrl("echo"));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ msg: "Error: Missing authorization header" });

    const forged = await fetch(functionsUrl("echo"), {
      headers: { authorization: "Bearer not.a.jwt" },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ msg: "Invalid JWT" });

    const user = await createUser();
    const signedIn = await fetch(functionsUrl("echo"), {
      headers: { authorization: `Bearer ${await accessTokenFor(user)}` },
    });
    expect(signedIn.status).toBe(200);

    const open = await fetch(functionsUrl("open"));
    expect(open.status).toBe(200);
    expect(await open.text()).toBe("open to anyone");
    // [functions.renamed] entrypoint = "./open/index.ts"
    expect(await (await fetch(functionsUrl("renamed"))).text()).toBe("open to anyone");
  });

  it("answers 404 for unknown and disabled functions", async () => {
    for (const name of ["nope", "disabled", "_shared"]) {
      const response = await fetch(functionsUrl(name), { headers: { apikey: stack.anonKey } });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Function not found");
    }
  });

  it("leaves CORS preflight to the function, without a JWT", async () => {
    const response = await fetch(functionsUrl("echo"), {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "authorization, x-client-info, apikey, content-type",
    );
    expect(await response.text()).toBe("ok");
  });

  it("streams request and response bodies", async () => {
    const chunks = ["abc", "defg", "hi"];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new TextEncoder().encode(next));
        else controller.close();
      },
    });
    const response = await fetch(functionsUrl("stream"), {
      method: "POST",
      headers: { apikey: stack.anonKey },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const received: string[] = [];
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      received.push(new TextDecoder().decode(chunk));
    expect(received.join("")).toBe(
      "data: chunk 1 of 9\n\ndata: chunk 2 of 9\n\ndata: chunk 3 of 9\n\n",
    );
  });
});

describe("failing functions", () => {
  it("answers 500 when the handler throws, and keeps serving", async () => {
    const thrown = await fetch(functionsUrl("throws"), { headers: { apikey: stack.anonKey } });
    expect(thrown.status).toBe(500);
    expect(await thrown.text()).toBe("Internal Server Error");
    expect(
      (await fetch(functionsUrl("throws"), { headers: { apikey: stack.anonKey } })).status,
    ).toBe(500);
  });

  it("answers WORKER_ERROR when the worker dies, and starts a new one for the next request", async () => {
    for (let i = 0; i < 2; i++) {
      const crashed = await fetch(functionsUrl("crash"), { headers: { apikey: stack.anonKey } });
      expect(crashed.status).toBe(500);
      expect(await crashed.json()).toEqual({
        code: "WORKER_ERROR",
        message: "Function exited due to an error (please check logs)",
      });
    }
  });

  it("answers BOOT_ERROR for a function that fails to load", async () => {
    const response = await fetch(functionsUrl("boot-error"), {
      headers: { apikey: stack.anonKey },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      code: "BOOT_ERROR",
      message: "Worker failed to boot (please check logs)",
    });
    // The log line comes through the runtime's output stream, which may trail the answer.
    await expect
      .poll(() => stack.output())
      .toContain("[functions/boot-error] error: Uncaught (in promise) Error: cannot start");
  });

  it("answers 504 after the timeout for a hanging function, while other functions keep serving", async () => {
    const [hung, meanwhile] = await Promise.all([
      anon.functions.invoke("hang"),
      anon.functions.invoke("echo", { body: "still here" }),
    ]);
    expect(meanwhile.data).toMatchObject({ body: "still here" });
    expect(hung.error).toBeInstanceOf(FunctionsHttpError);
    expect((hung.error as FunctionsHttpError).context.status).toBe(504);
    expect(await (hung.error as FunctionsHttpError).context.json()).toEqual({
      message: "The upstream server is timing out",
    });
  });
});

describe("hot reload", () => {
  it("serves edited function files and new functions without a restart", async () => {
    const dir = path.join(functionsDir, "reload");
    await mkdir(dir, { recursive: true });
    const write = (version: string) =>
      writeFile(path.join(dir, "index.ts"), `Deno.serve(() => new Response("${version}"));\n`);
    const read = async () =>
      (await fetch(functionsUrl("reload"), { headers: { apikey: stack.anonKey } })).text();

    await write("v1");
    expect(await eventually(read, (text) => text === "v1")).toBe("v1");
    await write("v2");
    expect(await eventually(read, (text) => text === "v2")).toBe("v2");
  });

  it("restarts every function when shared code changes", async () => {
    const greeting = async () =>
      ((await anon.functions.invoke("echo")).data as { greeting: string }).greeting;
    expect(await greeting()).toBe("hello");
    const shared = path.join(functionsDir, "_shared", "cors.ts");
    await writeFile(
      shared,
      (await readFile(shared, "utf8")).replace('greeting = "hello"', 'greeting = "hi again"'),
    );
    expect(await eventually(greeting, (value) => value === "hi again")).toBe("hi again");
  });
});

describe("isolation in one runtime", () => {
  const headers = () => ({ apikey: stack.anonKey });
  const state = async (name: string) =>
    (await (await fetch(functionsUrl(name), { headers: headers() })).json()) as {
      bootId: string;
      global: string | null;
      env: string | null;
      nodeEnv: string | null;
      secret: string | null;
    };

  it("gives a function no gc(), which the runtime's own bootstrap keeps to itself", async () => {
    const dir = path.join(functionsDir, "sees-gc");
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "index.ts"),
      "Deno.serve(() => new Response(typeof (globalThis as { gc?: unknown }).gc));\n",
    );
    const read = async () => (await fetch(functionsUrl("sees-gc"), { headers: headers() })).text();
    expect(await eventually(read, (text) => text !== "" && !text.includes("error"))).toBe(
      "undefined",
    );
  });

  it("keeps each function's globals and environment to itself", async () => {
    const set = await fetch(functionsUrl("globals"), {
      method: "POST",
      headers: headers(),
      body: "only mine",
    });
    expect(await set.json()).toMatchObject({
      global: "only mine",
      env: "only mine",
      nodeEnv: "only mine",
    });
    // The same module in another worker of the same process: its own globals and environment.
    expect(await state("globals-twin")).toMatchObject({
      global: null,
      env: null,
      nodeEnv: null,
      secret: "from config.toml",
    });
    expect(await state("globals")).toMatchObject({ global: "only mine", env: "only mine" });
  });

  it("ends only the crashing function's worker: another's request in flight completes", async () => {
    const before = (await state("globals")).bootId;
    // A request to stream held open (its body not yet ended) while another function crashes.
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("abc"));
        finish = () => controller.close();
      },
    });
    const streaming = fetch(functionsUrl("stream"), {
      method: "POST",
      headers: headers(),
      body,
      duplex: "half",
    } as RequestInit);
    // One exits, the other throws outside its handler.
    for (const name of ["crash", "uncaught"]) {
      const crashed = await fetch(functionsUrl(name), { headers: headers() });
      expect(await crashed.json()).toMatchObject({ code: "WORKER_ERROR" });
    }
    await expect
      .poll(() => stack.output())
      .toContain("[functions/uncaught] error: Uncaught Error: thrown in a timer");
    finish();
    expect(await (await streaming).text()).toBe(
      "data: chunk 1 of 3\n\ndata: chunk 2 of 3\n\ndata: chunk 3 of 3\n\n",
    );
    expect((await state("globals")).bootId).toBe(before);
  });

  it("keeps the worker of a function that handles its own unhandled rejections", async () => {
    const call = async () =>
      (await fetch(functionsUrl("forgiving"), { headers: headers() })).text();
    const first = Number(await call());
    // Each call leaves a rejection the function's listener prevents: the same worker counts on.
    expect(await call()).toBe(String(first + 1));
    expect(await call()).toBe(String(first + 2));
    expect(stack.output()).not.toContain("[functions/forgiving] error");
  });

  it("answers 504 for a function stuck in a loop and replaces its process once the others' requests are done", async () => {
    await state("echo");
    const before = await edgeRuntimes(stack.child.pid!);
    const [spun, meanwhile] = await Promise.all([
      fetch(functionsUrl("spin"), { headers: headers() }),
      anon.functions.invoke("echo", { body: "still here" }),
    ]);
    expect(spun.status).toBe(504);
    expect(meanwhile.data).toMatchObject({ body: "still here" });
    // The process that held the spinning worker exits; a fresh one serves in its place.
    await expect
      .poll(
        async () => (await edgeRuntimes(stack.child.pid!)).filter((pid) => before.includes(pid)),
        { timeout: 10_000 },
      )
      .toHaveLength(before.length - 1);
    expect((await anon.functions.invoke("echo", { body: "after" })).data).toMatchObject({
      body: "after",
    });
    expect(await edgeRuntimes(stack.child.pid!)).toHaveLength(before.length);
    expect(stack.output()).toContain("[functions/spin] did not stop");
  });
});
