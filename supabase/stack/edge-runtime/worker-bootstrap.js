// Runs inside Deno (not Node): the entry point of one function's worker process.
//
// A function calls Deno.serve(handler) as on Supabase's edge runtime, which decides where it
// listens. Here Deno.serve is wrapped before the function is imported so that, whatever options
// the function passes, it listens on a free loopback port, and the port is reported to the stack
// on stdout with a per-process nonce so the function's own output cannot fake it.

const entrypoint = Deno.env.get("PITLANE_FUNCTION_ENTRYPOINT");
const nonce = Deno.env.get("PITLANE_WORKER_NONCE");
Deno.env.delete("PITLANE_FUNCTION_ENTRYPOINT");
Deno.env.delete("PITLANE_WORKER_NONCE");

// The stack holds this process's stdin open; when the stack dies, even by kill -9, stdin ends and
// the worker goes with it instead of lingering.
(async () => {
  for await (const _ of Deno.stdin.readable);
  Deno.exit(0);
})();

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
      onListen({ port }) {
        console.log(`${nonce} ready ${port}`);
      },
    },
    handler,
  );
};

await import(entrypoint);

if (!serving) {
  console.error("the function did not call Deno.serve(handler)");
  Deno.exit(1);
}
