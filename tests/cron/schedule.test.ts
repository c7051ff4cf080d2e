import { describe, expect, it } from "vitest";
import { firesAt, parseSchedule, type CronFields } from "../../supabase/stack/cron/schedule.ts";
import { sql } from "../helpers/db.ts";

const valid = [
  "* * * * *",
  "*/5 * * * *",
  "0 * * * *",
  "0 0 * * *",
  "0 0 * * 1-5",
  "0 1 * * 0",
  "0 13 2 6 *",
  "30 3 * * 6",
  "0 12 $ * *",
  "5,10,15-20/2 0-23/6 1-31 1-12 0-7",
  "0 9 * jan-mar MON-fri",
  "0 9 * Dec sun",
  "  5 4 * * *  ",
  "5\t4 * * *",
  // Like crontab, a sixth field is the command's and is ignored.
  "*/10 * * * * *",
  "30 5 * * * ignored",
  // A range backwards is accepted and matches nothing, as in Vixie cron.
  "10-5 * * * *",
  "@reboot",
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
  "1 seconds",
  "1 second",
  "59 seconds",
  "10 SECONDS",
  " 30 seconds ",
  "30seconds",
];

const invalid = [
  "",
  "   ",
  "* * * *",
  "60 * * * *",
  "* 24 * * *",
  "* * 0 * *",
  "* * 32 * *",
  "* * * 0 *",
  "* * * 13 *",
  "* * * * 8",
  "1/5 * * * *",
  "*/0 * * * *",
  "*/60 * * * *",
  "1,,2 * * * *",
  "mon * * * *",
  "* * jan * *",
  "$ * * * *",
  "* * $,1 * *",
  "0 seconds",
  "60 seconds",
  "10 minutes",
  "seconds",
  "@every",
  "@DAILY",
  "every minute",
];

describe("cron schedules", () => {
  it.each(valid)("accepts %j", (text) => {
    expect(parseSchedule(text)).toBeDefined();
  });

  it.each(invalid)("refuses %j", (text) => {
    expect(parseSchedule(text)).toBeUndefined();
  });

  it("accepts exactly what cron.schedule() accepts in the database", async () => {
    const texts = [...valid, ...invalid];
    const rows = await sql<{ text: string; ok: boolean }>(
      "select t as text, cron.pitlane_schedule_is_valid(t) as ok from unnest($1::text[]) as t",
      [texts],
    );
    expect(rows.map((row) => [row.text, row.ok])).toEqual(
      texts.map((text) => [text, parseSchedule(text) !== undefined]),
    );
  });

  it("reads intervals in seconds", () => {
    expect(parseSchedule("2 seconds")).toEqual({ kind: "interval", seconds: 2 });
    expect(parseSchedule("1 second")).toEqual({ kind: "interval", seconds: 1 });
    expect(parseSchedule("@reboot")).toEqual({ kind: "reboot" });
  });

  const fires = (text: string, iso: string) =>
    firesAt(parseSchedule(text) as CronFields, new Date(iso));

  it("fires on the minutes a schedule names, in UTC", () => {
    expect(fires("* * * * *", "2025-03-04T10:31:00Z")).toBe(true);
    expect(fires("*/15 * * * *", "2025-03-04T10:30:00Z")).toBe(true);
    expect(fires("*/15 * * * *", "2025-03-04T10:31:00Z")).toBe(false);
    expect(fires("30 3 * * *", "2025-03-04T03:30:00Z")).toBe(true);
    expect(fires("30 3 * * *", "2025-03-04T03:30:00+01:00")).toBe(false);
    expect(fires("0 9 * jan-mar *", "2025-03-31T09:00:00Z")).toBe(true);
    expect(fires("0 9 * jan-mar *", "2025-04-01T09:00:00Z")).toBe(false);
    expect(fires("0 0 * * 1-5", "2025-03-08T00:00:00Z")).toBe(false); // a Saturday
    expect(fires("@hourly", "2025-03-08T17:00:00Z")).toBe(true);
    expect(fires("@hourly", "2025-03-08T17:01:00Z")).toBe(false);
    expect(fires("@yearly", "2026-01-01T00:00:00Z")).toBe(true);
  });

  it("treats 0 and 7 as Sunday", () => {
    expect(fires("0 0 * * 7", "2025-03-09T00:00:00Z")).toBe(true);
    expect(fires("0 0 * * sun", "2025-03-09T00:00:00Z")).toBe(true);
    expect(fires("@weekly", "2025-03-09T00:00:00Z")).toBe(true);
    expect(fires("@weekly", "2025-03-10T00:00:00Z")).toBe(false);
  });

  it("fires on the last day of the month for '$'", () => {
    expect(fires("0 12 $ * *", "2024-02-29T12:00:00Z")).toBe(true);
    expect(fires("0 12 $ * *", "2024-02-28T12:00:00Z")).toBe(false);
    expect(fires("0 12 $ * *", "2025-02-28T12:00:00Z")).toBe(true);
    expect(fires("0 12 $ * *", "2025-04-30T12:00:00Z")).toBe(true);
  });

  it("matches either day field when both are restricted, both when one is '*' (Vixie cron)", () => {
    // 13 March 2025 is a Thursday, 7 March a Friday.
    expect(fires("0 0 13 * 5", "2025-03-13T00:00:00Z")).toBe(true);
    expect(fires("0 0 13 * 5", "2025-03-07T00:00:00Z")).toBe(true);
    expect(fires("0 0 13 * 5", "2025-03-08T00:00:00Z")).toBe(false);
    expect(fires("0 0 */2 * 5", "2025-03-07T00:00:00Z")).toBe(true);
    expect(fires("0 0 */2 * 5", "2025-03-14T00:00:00Z")).toBe(false);
    expect(fires("0 0 13 * *", "2025-03-07T00:00:00Z")).toBe(false);
  });
});
