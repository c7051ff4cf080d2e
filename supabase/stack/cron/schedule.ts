/**
 * pg_cron's schedules: Vixie cron's five fields (with '$' for the last day of the month and the
 * @ macros) or '[1-59] seconds'. The same grammar as cron.pitlane_schedule_is_valid() in the
 * extension's SQL, which refuses what this cannot parse; tests/cron/schedule.test.ts checks both.
 */

export interface CronFields {
  kind: "cron";
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  /** 0 to 6 from Sunday; 7 is also Sunday. */
  weekdays: Set<number>;
  /** '$': the last day of the month. */
  lastDay: boolean;
  /** Vixie cron: when both day fields are restricted a day matches either, otherwise both. */
  dayStar: boolean;
  weekdayStar: boolean;
}

export type Schedule = CronFields | { kind: "interval"; seconds: number } | { kind: "reboot" };

const monthNames = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];
const dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  low: number;
  high: number;
  names?: string[];
  /** What the first name stands for. */
  namesFrom?: number;
}

const minuteSpec: FieldSpec = { low: 0, high: 59 };
const hourSpec: FieldSpec = { low: 0, high: 23 };
const daySpec: FieldSpec = { low: 1, high: 31 };
const monthSpec: FieldSpec = { low: 1, high: 12, names: monthNames, namesFrom: 1 };
const weekdaySpec: FieldSpec = { low: 0, high: 7, names: dayNames, namesFrom: 0 };

function range(low: number, high: number, step = 1): Set<number> {
  const values = new Set<number>();
  for (let value = low; value <= high; value += step) values.add(value);
  return values;
}

function value(token: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return named + spec.namesFrom!;
  if (!/^[0-9]+$/.test(token)) return undefined;
  const number = Number(token);
  return number >= spec.low && number <= spec.high ? number : undefined;
}

/** One field: a comma-separated list of `*`, `n` or `a-b`, each but a single number with an optional `/step`. */
function field(text: string, spec: FieldSpec): Set<number> | undefined {
  const values = new Set<number>();
  for (const element of text.split(",")) {
    const match = /^(?:(\*)|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:\/([0-9]+))?$/i.exec(element);
    if (!match) return undefined;
    const [, star, from, to, stepText] = match;
    // A step after a single number ('1/5') is refused by cron.
    if (!star && to === undefined && stepText !== undefined) return undefined;
    const first = star ? spec.low : value(from!, spec);
    const last = star ? spec.high : value(to ?? from!, spec);
    if (first === undefined || last === undefined) return undefined;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || step > spec.high) return undefined;
    // A range whose start is after its end is accepted and matches nothing, as in Vixie cron.
    for (const v of range(first, last, step)) values.add(v);
  }
  return values;
}

function macro(name: string | undefined): Schedule | undefined {
  const all = (spec: FieldSpec) => range(spec.low, spec.high);
  const at = (fields: Partial<CronFields>): CronFields => ({
    kind: "cron",
    minutes: new Set([0]),
    hours: new Set([0]),
    days: all(daySpec),
    months: all(monthSpec),
    weekdays: all(weekdaySpec),
    lastDay: false,
    dayStar: false,
    weekdayStar: false,
    ...fields,
  });
  switch (name) {
    case "reboot":
    case "restart":
      return { kind: "reboot" };
    case "yearly":
    case "annually":
      // pg_cron's own table sets no month for these (a slip upstream, so they never fire there); here 1 January.
      return at({ days: new Set([1]), months: new Set([1]), weekdayStar: true });
    case "monthly":
      return at({ days: new Set([1]), weekdayStar: true });
    case "weekly":
      return at({ weekdays: new Set([0, 7]), weekdayStar: true });
    case "daily":
    case "midnight":
      return at({});
    case "hourly":
      return at({ hours: all(hourSpec) });
    default:
      return undefined;
  }
}

/** The schedule `text` stands for, or undefined where pg_cron refuses it ("invalid schedule"). */
export function parseSchedule(text: string): Schedule | undefined {
  const spec = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
  const interval = /^([0-9]+)[ \t]*seconds?$/i.exec(spec);
  if (interval) {
    const seconds = Number(interval[1]);
    return seconds >= 1 && seconds <= 59 ? { kind: "interval", seconds } : undefined;
  }
  if (spec.startsWith("@")) return macro(/^@([^ \t\n]*)/.exec(spec)![1]);
  // Like crontab, anything after the fifth field is ignored (it was the command).
  const tokens = spec.split(/[ \t]+/);
  if (tokens.length < 5) return undefined;
  const [minuteText, hourText, dayText, monthText, weekdayText] = tokens as [
    string,
    string,
    string,
    string,
    string,
  ];
  const minutes = field(minuteText, minuteSpec);
  const hours = field(hourText, hourSpec);
  const lastDay = dayText === "$";
  const days = lastDay ? new Set<number>() : field(dayText, daySpec);
  const months = field(monthText, monthSpec);
  const weekdays = field(weekdayText, weekdaySpec);
  if (!minutes || !hours || !days || !months || !weekdays) return undefined;
  if (weekdays.has(0) || weekdays.has(7)) {
    weekdays.add(0);
    weekdays.add(7);
  }
  return {
    kind: "cron",
    minutes,
    hours,
    days,
    months,
    weekdays,
    lastDay,
    dayStar: dayText.startsWith("*"),
    weekdayStar: weekdayText.startsWith("*"),
  };
}

/** Whether a cron schedule fires in the minute that contains `at`, in UTC (pg_cron's default cron.timezone, GMT). */
export function firesAt(schedule: CronFields, at: Date): boolean {
  const tomorrow = new Date(at.getTime() + 86_400_000);
  const day =
    schedule.days.has(at.getUTCDate()) || (schedule.lastDay && tomorrow.getUTCDate() === 1);
  const weekday = schedule.weekdays.has(at.getUTCDay());
  const dayMatches = schedule.dayStar || schedule.weekdayStar ? day && weekday : day || weekday;
  return (
    schedule.minutes.has(at.getUTCMinutes()) &&
    schedule.hours.has(at.getUTCHours()) &&
    schedule.months.has(at.getUTCMonth() + 1) &&
    dayMatches
  );
}
