// Runs inside Deno (not Node): the entry point of one function's Web Worker in main-runtime.js.
//
// A function calls Deno.serve(handler) as on Supabase's edge runtime, which decides where it
// listens. Here Deno.serve is wrapped before the function is imported so that, whatever options
// the function passes, it listens on a free loopback port, which the main process passes on to the
// stack. Everything this worker says to the main process goes over a private MessagePort the
// function cannot reach, so its own output cannot fake it.

// V8's gc() (runtime.ts passes --expose-gc) is kept for this script alone: a function sees none, as
// on Supabase. V8 made the property non-configurable, so it stays, set to undefined.
const collectGarbage = globalThis.gc;
globalThis.gc = undefined;

self.onmessage = async ({ data }) => {
  self.onmessage = null;
  /** @type {{ entrypoint: string, env: Record<string, string>, port: MessagePort }} */
  const { entrypoint, env, port } = data;

  port.onmessage = ({ data: message }) => {
    if (message.ping) port.postMessage({ pong: true });
  };

  // Every worker shares one process, whose environment a function must neither read (it has no
  // env permission) nor change for the others: Deno.env and process.env are this worker's own.
  const values = new Map(Object.entries(env));
  Deno.env = {
    get: (name) => values.get(name),
    set: (name, value) => void values.set(String(name), String(value)),
    delete: (name) => void values.delete(name),
    has: (name) => values.has(name),
    toObject: () => Object.fromEntries(values),
  };
  globalThis.process.env = new Proxy(
    {},
    {
      get: (_, name) => (typeof name === "string" ? values.get(name) : undefined),
      set: (_, name, value) => (values.set(String(name), String(value)), true),
      has: (_, name) => values.has(name),
      deleteProperty: (_, name) => values.delete(name) || true,
      ownKeys: () => [...values.keys()],
      getOwnPropertyDescriptor: (_, name) =>
        values.has(name)
          ? { value: values.get(name), writable: true, enumerable: true, configurable: true }
          : undefined,
    },
  );

  // The process's output is shared too: console lines go to the main process, which names the
  // function they came from.
  const format = (args) =>
    args.map((arg) => (typeof arg === "string" ? arg : Deno.inspect(arg))).join(" ");
  for (const method of ["log", "info", "debug", "warn", "error"])
    console[method] = (...args) => port.postMessage({ log: format(args) });

  // An uncaught error or unhandled rejection ends this function, as it would end its process on
  // Supabase, unless the function's own listener calls preventDefault. It is stopped here, inside
  // the worker: left to reach the main process's worker.onerror, it now and then ended the main
  // process itself, and every function with it. This listener runs first (it is added before the
  // function loads), so it notes whether a later one prevents the default, and decides once the
  // event has been dispatched.
  const endOnUncaught = (describe) => (event) => {
    let handledByFunction = false;
    const preventDefault = event.preventDefault.bind(event);
    event.preventDefault = () => {
      handledByFunction = true;
      preventDefault();
    };
    preventDefault();
    queueMicrotask(() => {
      if (handledByFunction) return;
      port.postMessage({ log: `error: ${describe(event)}` });
      port.postMessage({ exit: true });
    });
  };
  self.addEventListener(
    "error",
    endOnUncaught((event) => `Uncaught ${event.error?.stack?.split("\n")[0] ?? event.message}`),
  );
  self.addEventListener(
    "unhandledrejection",
    endOnUncaught((event) => `Uncaught (in promise) ${event.reason?.stack ?? event.reason}`),
  );

  // In a worker Deno.exit ends only the worker; the main process hears of it before it goes.
  const exit = Deno.exit;
  Deno.exit = (code) => {
    port.postMessage({ exit: true });
    exit(code);
  };

  const serve = Deno.serve;
  let serving = false;
  Deno.serve = function (first, second) {
    const options = typeof first === "object" && first !== null ? first : {};
    const handler =
      typeof first === "function" ? first : typeof second === "function" ? second : options.handler;
    if (typeof handler !== "function") throw new TypeError("A handler function must be provided.");
    if (serving) throw new Error("Deno.serve was called twice: a function serves one handler");
    serving = true;
    return serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        onError: options.onError,
        signal: options.signal,
        onListen({ port: listening }) {
          port.postMessage({ ready: listening });
        },
      },
      handler,
    );
  };

  try {
    await import(entrypoint);
    // Loading a function (parsing and compiling zod, supabase-js, stripe…) leaves some 3 MB of V8
    // heap pages behind, which V8 gave back only seconds later: ten functions booted one after the
    // other held 30 MB more just after their calls than at rest (issue 24). A memory-reducing full
    // collection now, once per worker, returns them at once; later requests' garbage stays in the
    // 1 MB young generation.
    collectGarbage({ type: "major", execution: "sync", flavor: "last-resort" });
  } catch (error) {
    port.postMessage({ log: `error: Uncaught (in promise) ${error?.stack ?? error}` });
    port.postMessage({ exit: true });
    return;
  }
  if (!serving) {
    port.postMessage({ log: "the function did not call Deno.serve(handler)" });
    port.postMessage({ exit: true });
  }
};
