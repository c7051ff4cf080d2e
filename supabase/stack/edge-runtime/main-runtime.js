// Runs inside Deno (not Node): the edge runtime's main process, as in Supabase's edge runtime.
// It holds every function of one Deno configuration, each in its own Web Worker (its own module
// graph, globals, environment and permissions), so memory grows by a worker per function, not by
// a process. The stack drives it over stdin and stdout, one JSON message a line:
//   stdin:  {"op":"start","id":1,"name":"echo","entrypoint":"file:///…","env":{…}}
//           {"op":"stop","id":1}
//   stdout: <nonce> {"event":"ready","id":1,"port":43210}   the worker's Deno.serve listens
//           <nonce> {"event":"log","id":1,"text":"…"}       the worker's console output
//           <nonce> {"event":"exit","id":1}                 the worker is gone (or never booted)
//           <nonce> {"event":"stuck","id":1}                a stopped worker did not answer
// Requests do not pass through here: each worker listens on its own loopback port and the stack
// connects to it directly, so bodies stream with no extra hop.

const nonce = Deno.env.get("PITLANE_RUNTIME_NONCE");
Deno.env.delete("PITLANE_RUNTIME_NONCE");

const bootstrap = new URL("./worker-bootstrap.js", import.meta.url);

// What the edge runtime lets a function do: network, files, imports, no subprocesses, no FFI.
// Environment access is off: a worker reads the variables the stack gave it (worker-bootstrap.js),
// never the process's, which a function could otherwise change for every other function.
const permissions = {
  net: true,
  read: true,
  write: true,
  sys: true,
  import: true,
  env: false,
  run: false,
  ffi: false,
};

/**
 * How long a stopped worker has to answer a ping before it counts as stuck in a busy loop: long
 * enough for one still evaluating a large import on a busy machine, which answers once it is done.
 */
const pingMs = 3000;

/** @type {Map<number, { worker: Worker, port: MessagePort, pong?: () => void }>} */
const workers = new Map();

function send(event) {
  console.log(`${nonce} ${JSON.stringify(event)}`);
}

function start({ id, name, entrypoint, env }) {
  const worker = new Worker(bootstrap, {
    type: "module",
    name: `functions/${name}`,
    deno: { permissions },
  });
  const channel = new MessageChannel();
  const entry = { worker, port: channel.port1 };
  workers.set(id, entry);
  channel.port1.onmessage = ({ data }) => {
    if (data.ready) send({ event: "ready", id, port: data.ready });
    else if (data.log !== undefined) send({ event: "log", id, text: data.log });
    else if (data.pong) entry.pong?.();
    else if (data.exit) gone(id);
  };
  // An uncaught error or unhandled rejection ends the worker, as it would end a process; the
  // preventDefault keeps it from ending this main process and every other function with it.
  worker.onerror = (event) => {
    event.preventDefault();
    send({ event: "log", id, text: `error: ${event.message}` });
    gone(id);
  };
  worker.postMessage({ entrypoint, env, port: channel.port2 }, [channel.port2]);
}

function gone(id) {
  const entry = workers.get(id);
  if (!entry) return;
  workers.delete(id);
  entry.worker.terminate();
  entry.port.close();
  send({ event: "exit", id });
}

/**
 * Ends a worker. Deno's worker.terminate() cannot stop one spinning in a synchronous loop
 * (denoland/deno#35657), so a worker that does not answer a ping first is reported stuck: the
 * stack then moves new work to a fresh process and ends this one once its other requests finish.
 */
async function stop({ id }) {
  const entry = workers.get(id);
  if (!entry) return;
  const answered = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), pingMs);
    entry.pong = () => {
      clearTimeout(timer);
      resolve(true);
    };
    entry.port.postMessage({ ping: true });
  });
  if (!answered && workers.has(id)) send({ event: "stuck", id });
  gone(id);
}

// The stack's commands; when stdin ends the stack is gone, even by kill -9, and so is this process.
let buffered = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const command = JSON.parse(buffered.slice(0, newline));
    buffered = buffered.slice(newline + 1);
    if (command.op === "start") start(command);
    else if (command.op === "stop") void stop(command);
  }
}
Deno.exit(0);
