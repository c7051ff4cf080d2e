import { benchAuth } from "./auth.ts";
import { benchChat } from "./chat.ts";
import { benchContent } from "./content.ts";
import { benchDurability } from "./durability.ts";
import { benchForum } from "./forum.ts";
import { benchFunctionsMemory } from "./functions-memory.ts";
import { benchLoad } from "./load.ts";
import { benchMarket } from "./market.ts";
import { benchNotifications } from "./notifications.ts";
import { benchOutreach } from "./outreach.ts";
import { benchRest } from "./rest.ts";
import { benchRealtime } from "./realtime.ts";
import { benchSdk } from "./sdk.ts";
import { benchService } from "./service.ts";
import { formatTable, type BenchRow } from "./rows.ts";
import { benchStartup } from "./startup.ts";
import { benchStorageAndFunctions } from "./storage-functions.ts";
import { benchStudio } from "./studio.ts";

/** `npm run bench`: every figure beside a baseline measured in the same run, as one table. */
const suites: [string, () => Promise<BenchRow[]>][] = [
  ["start-up", benchStartup],
  ["REST", benchRest],
  ["auth", benchAuth],
  ["storage and functions", benchStorageAndFunctions],
  ["functions memory", benchFunctionsMemory],
  ["realtime", benchRealtime],
  ["durability", benchDurability],
  ["notifications and email", benchNotifications],
  ["service membership", benchService],
  ["chat", benchChat],
  ["marketplace", benchMarket],
  ["forum", benchForum],
  ["content and surveys", benchContent],
  ["sdk", benchSdk],
  ["outreach", benchOutreach],
  ["studio", benchStudio],
  ["load", benchLoad],
];
/** `npm run bench -- durability` runs only the suites named. */
const only = process.argv.slice(2);
const unknown = only.filter((name) => !suites.some(([suite]) => suite === name));
if (unknown.length > 0) {
  console.error(
    `unknown bench suite ${unknown.join(", ")}; suites: ${suites.map(([name]) => name).join(", ")}`,
  );
  process.exit(2);
}

const rows: BenchRow[] = [];
for (const [name, suite] of suites.filter(
  ([suiteName]) => only.length === 0 || only.includes(suiteName),
)) {
  process.stderr.write(`benchmarking ${name}…\n`);
  rows.push(...(await suite()));
}
console.log(formatTable(rows));
