import { parseOptions, usage, UsageError } from "./cli/options.ts";
import { formatStatus, stackResidentMemory } from "./status.ts";
import type { Logger } from "./logger.ts";
import { startStack, type Stack } from "./stack.ts";

const logger: Logger = { info: (line) => console.log(line), error: (line) => console.error(line) };
const log = logger.info;

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`error: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}

const starting = startStack(options, logger);

// Handled from the start: a signal during start-up waits for the start to finish, then stops
// everything that was started, rather than killing the process and orphaning PostgreSQL.
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  const stack = await starting.catch(() => undefined);
  await stack?.stop();
  log("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

let stack: Stack;
try {
  stack = await starting;
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}

const { prepared } = stack;
for (const file of prepared.migrations) log(`applied migration ${file}`);
if (prepared.seed.length > 0) log(`seeded ${prepared.seed.join(", ")}`);
console.log(
  `\nPitlane local stack is running.\n\n${formatStatus(stack, {
    startMs: process.uptime() * 1000,
    memoryBytes: await stackResidentMemory(),
    cold: prepared.isNew,
  })}\n`,
);
