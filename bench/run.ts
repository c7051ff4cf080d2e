import { benchAuth } from "./auth.ts";
import { benchRest } from "./rest.ts";
import { benchRealtime } from "./realtime.ts";
import { benchService } from "./service.ts";
import { formatTable, type BenchRow } from "./rows.ts";
import { benchStartup } from "./startup.ts";
import { benchStorageAndFunctions } from "./storage-functions.ts";

/** `npm run bench`: every figure beside a baseline measured in the same run, as one table. */
const suites: [string, () => Promise<BenchRow[]>][] = [
  ["start-up", benchStartup],
  ["REST", benchRest],
  ["auth", benchAuth],
  ["storage and functions", benchStorageAndFunctions],
  ["realtime", benchRealtime],
  ["service membership", benchService],
];

const rows: BenchRow[] = [];
for (const [name, suite] of suites) {
  process.stderr.write(`benchmarking ${name}…\n`);
  rows.push(...(await suite()));
}
console.log(formatTable(rows));
