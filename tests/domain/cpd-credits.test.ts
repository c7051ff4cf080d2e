// CPD credits (sql/0008_cpd_credits.sql): totals per period and the CSV exports.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anon, domainStack, pgError, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures, soon } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization, newEvent, register } = domainFixtures(() => db);

describe("CPD credits", () => {
  it("totals per period and CSV exports for the member and the organization", async () => {
    const org = await newOrganization();
    const member = await db.createUser({ full_name: 'Member, "Quoted"' });
    await db.sql(
      `insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values
         ($1, '=HYPERLINK("x")', 1.5, '2024-03-10T10:00:00Z'), ($1, 'Seminar', 2, '2024-11-01T10:00:00Z'), ($1, 'Workshop', 3, '2025-01-15T10:00:00Z')`,
      [member.id],
    );
    const eventId = await newEvent(org.id, { cpd_credits: 4, title: "Org event", ...soon() });
    const reg = await register(member, eventId);
    await db.rpc(org.staff.claims, "check_in_by_token", { p_token: reg.check_in_token });

    const years = await db.rpc<{ period_start: Date; credits: string; entry_count: number }>(
      member.claims,
      "cpd_credit_totals",
      {
        p_period: "year",
        p_to: "2026-01-01T00:00:00Z",
      },
    );
    expect(years.map((y) => [new Date(y.period_start).getFullYear(), Number(y.credits)])).toEqual([
      [2024, 3.5],
      [2025, 3],
    ]);
    const quarters = await db.rpc<{ credits: string }>(member.claims, "cpd_credit_totals", {
      p_period: "quarter",
      p_from: "2024-01-01T00:00:00Z",
      p_to: "2025-01-01T00:00:00Z",
    });
    expect(quarters.map((r) => Number(r.credits))).toEqual([1.5, 2]);
    const all = await db.rpc<{ credits: string; event_credits: string }>(
      member.claims,
      "cpd_credit_totals",
      { p_period: "year", p_from: "2025-06-01T00:00:00Z" },
    );
    expect(Number(all.at(-1)!.event_credits)).toBe(4);
    expect(
      await pgError(db.rpc(member.claims, "cpd_credit_totals", { p_period: "week" })),
    ).toMatchObject({ code: "22023" });
    expect(await pgError(db.rpc(anon, "cpd_credit_totals", {}))).toMatchObject({ code: "42501" });

    const [{ export_cpd_credits_csv: csv }] = (await db.rpc<{ export_cpd_credits_csv: string }>(
      member.claims,
      "export_cpd_credits_csv",
      {},
    )) as [{ export_cpd_credits_csv: string }];
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("earned_at,activity,provider,source,category,credits,certificate_number");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(`2024-03-10T10:00:00Z,"'=HYPERLINK(""x"")",,self_reported,,1.5,`);

    const [{ export_organization_cpd_credits_csv: orgCsv }] = (await db.rpc<{
      export_organization_cpd_credits_csv: string;
    }>(org.admin.claims, "export_organization_cpd_credits_csv", { p_organization_id: org.id })) as [
      { export_organization_cpd_credits_csv: string },
    ];
    const orgLines = orgCsv.trimEnd().split("\r\n");
    expect(orgLines).toHaveLength(2);
    expect(orgLines[1]).toContain(
      `${member.id},"Member, ""Quoted""","Org event",event_attendance,,4`,
    );
    expect(
      await pgError(
        db.rpc(org.staff.claims, "export_organization_cpd_credits_csv", {
          p_organization_id: org.id,
        }),
      ),
    ).toMatchObject({ code: "42501" });
  });
});
