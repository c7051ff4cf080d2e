// The console's Cron, webhooks and functions section in a real Chromium: cron jobs and their runs,
// a Database Webhook made in the console and its pg_net response, and an edge function's
// invocations and log lines, live.
import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sql, stack } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";

let browser: Browser;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await browser?.close();
});

async function tab(page: Page, name: string): Promise<void> {
  await page.click(`[data-tab="${name}"]`);
  await page.waitForSelector(`#fn-panel[data-tab="${name}"][data-ready]`);
}

async function confirmed(page: Page, selector: string): Promise<void> {
  await page.click(selector);
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-ok");
}

describe("the console's Cron, webhooks and functions section", () => {
  it("lists cron jobs with their runs and pauses one", async () => {
    const name = `studio-${randomUUID().slice(0, 8)}`;
    await sql("select cron.schedule($1, '1 seconds', 'select 1')", [name]);
    cleanups.push(() => sql("select cron.unschedule($1)", [name]));
    await expect
      .poll(
        async () =>
          (
            await sql(
              "select 1 from cron.job_run_details d join cron.job j using (jobid) where j.jobname = $1 and d.status = 'succeeded'",
              [name],
            )
          ).length,
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);

    const page = await openSection(browser, "functions", ["cron"]);
    const row = `#fn-panel tr[data-job="${name}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} [data-action=runs]`);
    await page.waitForSelector("#cron-runs td[data-column=status]");
    expect(
      await page.$$eval("#cron-runs td[data-column=status]", (cells) =>
        cells.map((cell) => cell.textContent),
      ),
    ).toContain("succeeded");

    await page.click(`${row} [data-action=pause]`);
    await page.waitForSelector(`${row} [data-action=resume]`);
    expect(await sql("select active from cron.job where jobname = $1", [name])).toEqual([
      { active: false },
    ]);
    await page.close();
  });

  it("creates a Database Webhook, shows its pg_net response, and deletes it when confirmed", async () => {
    const received: { table: string; record: { name: string } }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const schema = `studio_hooks_${randomUUID().slice(0, 8)}`;
    await sql(
      `create schema ${schema}; create table ${schema}.items (id int primary key, name text)`,
    );
    cleanups.push(() => sql(`drop schema ${schema} cascade`));

    const page = await openSection(browser, "functions", ["webhooks"]);
    await page.type("#hook-name", "item_added");
    await page.type("#hook-table", `${schema}.items`);
    await page.type("#hook-url", `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    await page.click("#hook-create button[type=submit]");
    const row = '#fn-panel tr[data-webhook="item_added"]';
    await page.waitForSelector(row);
    expect(await page.$eval(`${row} td[data-column=events]`, (cell) => cell.textContent)).toBe(
      "INSERT",
    );

    await sql(`insert into ${schema}.items values (1, 'first')`);
    await expect.poll(() => received.map((payload) => payload.record.name)).toEqual(["first"]);
    const [hook] = await sql<{ request_id: string }>(
      "select request_id from supabase_functions.hooks where hook_name = 'item_added' order by id desc limit 1",
    );
    const response = `#net-responses tr[data-request-id="${hook!.request_id}"]`;
    await tab(page, "net");
    for (let tries = 0; tries < 50 && !(await page.$(response)); tries++) await tab(page, "net");
    expect(
      await page.$eval(`${response} td[data-column=status_code]`, (cell) => cell.textContent),
    ).toBe("200");
    expect(await page.$eval(`${response} td[data-column=hook]`, (cell) => cell.textContent)).toBe(
      "item_added",
    );

    // A webhook that calls a function with the service key (as the dashboard's editor offers)
    // is listed without it: the key never reaches the page.
    const keyed = await studioFetch("/functions/webhooks", {
      method: "POST",
      body: {
        name: "with_key",
        schema,
        table: "items",
        events: ["UPDATE"],
        url: `${stack().apiUrl}/functions/v1/receipts`,
        headers: { Authorization: `Bearer ${stack().serviceRoleKey}` },
      },
    });
    expect(keyed.status).toBe(200);
    const listed = await studioFetch("/functions/webhooks");
    expect(listed.text).not.toContain(stack().serviceRoleKey);
    expect(listed.text).toContain("withheld");

    await tab(page, "webhooks");
    await confirmed(page, `${row} [data-action=delete]`);
    await page.waitForFunction((selector) => !document.querySelector(selector), {}, row);
    expect(
      await sql("select tgname from pg_trigger where tgrelid = $1::regclass and not tgisinternal", [
        `${schema}.items`,
      ]),
    ).toEqual([{ tgname: "with_key" }]);
    await page.close();
  });

  it("shows an edge function's invocations and log lines, live", async () => {
    const name = `studio-log-${randomUUID().slice(0, 8)}`;
    const folder = path.join(inject("functionsDir"), name);
    await mkdir(folder);
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await writeFile(
      path.join(folder, "index.ts"),
      `Deno.serve((req) => { console.log("studio saw " + new URL(req.url).pathname); return new Response("ok", { status: 201 }); });\n`,
    );
    const invoke = async (sub: string) => {
      const response = await fetch(`${stack().apiUrl}/functions/v1/${name}/${sub}`, {
        headers: { authorization: `Bearer ${stack().anonKey}` },
      });
      expect(response.status).toBe(201);
    };
    await invoke("first");

    const page = await openSection(browser, "functions", ["functions", name]);
    await page.waitForSelector(`#fn-invocations[data-function="${name}"]`);
    expect(
      await page.$eval(
        `#fn-panel tr[data-function="${name}"] td[data-column=invocations]`,
        (cell) => cell.textContent,
      ),
    ).toBe("1");
    expect(
      await page.$$eval("#fn-invocations tbody tr", (rows) =>
        rows.map((row) => row.getAttribute("data-status")),
      ),
    ).toEqual(["201"]);
    await page.waitForFunction(
      (text) => document.querySelector("#fn-logs")?.textContent?.includes(text),
      {},
      `studio saw /${name}/first`,
    );

    // Live: the next call and its log line appear without a reload.
    await invoke("second");
    await page.waitForFunction(
      () => document.querySelectorAll("#fn-invocations tbody tr").length === 2,
    );
    await page.waitForFunction(
      (text) => document.querySelector("#fn-logs")?.textContent?.includes(text),
      {},
      `studio saw /${name}/second`,
    );
    await page.close();
  });

  it("answers bad calls with 400 or 404 and changes nothing", async () => {
    expect((await studioFetch("/functions/cron/abc/runs")).status).toBe(400);
    expect(
      (
        await studioFetch("/functions/cron/999999999/active", {
          method: "POST",
          body: { active: false },
        })
      ).status,
    ).toBe(404);
    const bad = await studioFetch("/functions/webhooks", {
      method: "POST",
      body: {
        name: "x; drop table y",
        schema: "public",
        table: "events",
        events: ["INSERT"],
        url: "http://127.0.0.1/",
      },
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await studioFetch("/functions/webhooks", {
          method: "POST",
          body: {
            name: "h",
            schema: "public",
            table: "events",
            events: [],
            url: "http://127.0.0.1/",
          },
        })
      ).status,
    ).toBe(400);
    expect(
      (await studioFetch("/functions/webhooks/public/events/no_such_hook", { method: "DELETE" }))
        .status,
    ).toBe(404);
    expect(
      await sql(
        "select 1 from pg_trigger where tgrelid = 'public.events'::regclass and tgfoid = 'supabase_functions.http_request'::regproc",
      ),
    ).toHaveLength(0);
  });
});
