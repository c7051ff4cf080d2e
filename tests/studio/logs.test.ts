// The request log in Chromium: a request through the gateway appears live with its status, role,
// method and path; filters narrow it; "Why?" on a REST request explains its policies.
import { randomUUID } from "node:crypto";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const rest = (path: string) =>
  fetch(`${stack().apiUrl}/rest/v1/${path}`, { headers: { apikey: stack().anonKey } });

describe("the request log", () => {
  it("shows requests live, filtered, and explains a REST request", async () => {
    const page = await openSection(browser, "logs");
    const tag = randomUUID().slice(0, 8);
    await page.type("#filter-path", tag);
    await page.click("#apply-filter");
    await page.waitForSelector('#live[data-live="true"]');

    await rest(`events?select=id&slug=eq.${tag}`);
    await rest(`no_such_table_${tag}`);
    await page.waitForFunction(() => document.querySelectorAll("#requests tr").length === 2);
    const rows = await page.$$eval("#requests tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].slice(1, 6).map((td) => td.textContent)),
    );
    // Newest first.
    expect(rows[0]![0]).toBe("404");
    expect(rows[1]!.slice(2)).toEqual(["anon", "GET", `/rest/v1/events?select=id&slug=eq.${tag}`]);
    expect(rows[1]![0]).toBe("200");

    // Only the 404 when filtered by status, from the kept log and live.
    await page.type("#filter-status", "4xx");
    await page.click("#apply-filter");
    await page.waitForFunction(() => document.querySelectorAll("#requests tr").length === 1);
    await page.waitForSelector('#live[data-live="true"]');
    await rest(`another_missing_${tag}`);
    await rest(`events?select=id&slug=eq.${tag}`);
    await page.waitForFunction(() => document.querySelectorAll("#requests tr").length === 2);
    expect(
      await page.$$eval("#requests tr", (trs) =>
        trs.map((tr) => (tr as HTMLElement).dataset.status),
      ),
    ).toEqual(["404", "404"]);

    // Why? on the events read: the anon policy applied.
    await page.$eval("#filter-status", (node) => ((node as HTMLInputElement).value = ""));
    await page.click("#apply-filter");
    await page.waitForSelector('#requests tr[data-status="200"] button.why');
    await page.click('#requests tr[data-status="200"] button.why');
    await page.waitForSelector("#why");
    expect(
      await page.$eval(
        '#why tr[data-policy="events: anonymous visitors read public events"]',
        (row) => (row as HTMLElement).dataset.applies,
      ),
    ).toBe("true");
    await page.close();
  });

  it("never hands the page a request's claims or planned SQL", async () => {
    await rest("events?select=id&limit=1");
    const { body } = await studioFetch("/logs/requests?path=/rest/v1/events");
    expect(body.length).toBeGreaterThan(0);
    for (const request of body) {
      expect(request).not.toHaveProperty("claims");
      expect(request).not.toHaveProperty("planned");
    }
  });
});
