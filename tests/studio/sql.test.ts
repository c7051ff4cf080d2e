// The SQL editor in Chromium: results as a grid, a script run as a role, an error pointed at its
// line and column, a long query cancelled, the history and saved snippets kept in the data folder.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { launchBrowser, openSection } from "../helpers/studio.ts";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await openSection(browser, "sql");
});

afterAll(async () => {
  await browser?.close();
});

async function run(sql: string, as = "postgres"): Promise<void> {
  await page.$eval("#sql", (node, text) => ((node as HTMLTextAreaElement).value = text), sql);
  await page.select("#as", as);
  await page.click("#run");
  await page.waitForSelector("#run:not([disabled])");
}

const cells = () =>
  page.$$eval("#results .result table td", (tds) => tds.map((td) => td.textContent));

describe("the SQL editor", () => {
  it("shows each statement's rows as a grid, with NULL marked", async () => {
    await run("select 1 as one, null as nothing;\nselect 'b' as letter");
    expect(await page.$$eval("#results .result", (nodes) => nodes.length)).toBe(2);
    expect(await cells()).toEqual(["1", "NULL", "b"]);
    expect(await page.$eval("#results .result th", (th) => th.textContent)).toBe("one");
  });

  it("runs as a chosen role with that role's claims", async () => {
    await run("select current_user, auth.role()", "anon");
    expect(await cells()).toEqual(["anon", "anon"]);
  });

  it("points an error at its line and column", async () => {
    await run("select 1;\nselect nothing_here from pg_class");
    expect(await page.$eval("#results .error", (node) => node.textContent)).toContain(
      'column "nothing_here" does not exist',
    );
    const position = await page.$eval("#error-position", (node) => ({
      line: (node as HTMLElement).dataset.line,
      column: (node as HTMLElement).dataset.column,
    }));
    expect(position).toEqual({ line: "2", column: "8" });
  });

  it("cancels a long-running query", async () => {
    await page.$eval(
      "#sql",
      (node) => ((node as HTMLTextAreaElement).value = "select pg_sleep(60)"),
    );
    await page.select("#as", "postgres");
    await page.click("#run");
    await page.waitForSelector("#cancel:not([disabled])");
    // The query has reached PostgreSQL before it is cancelled.
    await page.waitForFunction(async () => {
      const response = await fetch("/api/sql/run", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-studio-csrf": document.querySelector<HTMLMetaElement>('meta[name="studio-csrf"]')!
            .content,
        },
        body: JSON.stringify({
          sql: "select count(*) from pg_stat_activity where query = 'select pg_sleep(60)' and state = 'active'",
        }),
      });
      return (await response.json()).results[0].rows[0][0] === "1";
    });
    await page.click("#cancel");
    await page.waitForSelector("#results .error");
    expect(await page.$eval("#results .error", (node) => node.textContent)).toMatch(
      /canceling statement due to user request/,
    );
  });

  it("keeps the history and saved snippets in the data folder", async () => {
    await run("select 'remembered' as word");
    // The list already holds the earlier tests' queries (and, files running side by side, other
    // consoles' on the same stack): wait for this one to show up in it.
    await page.waitForFunction(
      (sql) =>
        [...document.querySelectorAll("#history li code")].some((node) => node.textContent === sql),
      {},
      "select 'remembered' as word",
    );
    const name = `snippet ${Date.now()}`;
    await page.type("#snippet-name", name);
    await page.click("#save-snippet");
    await page.waitForSelector(`#snippets li[data-snippet="${name}"]`);
    const folder = path.join(stack().dataDir, "studio");
    const snippets = JSON.parse(await readFile(path.join(folder, "sql-snippets.json"), "utf8"));
    expect(snippets[name]).toBe("select 'remembered' as word");
    const history = JSON.parse(await readFile(path.join(folder, "sql-history.json"), "utf8"));
    expect(
      history.some((entry: { sql: string }) => entry.sql === "select 'remembered' as word"),
    ).toBe(true);

    // A snippet loads back into the editor.
    await page.$eval("#sql", (node) => ((node as HTMLTextAreaElement).value = ""));
    await page.click(`#snippets li[data-snippet="${name}"] button.load`);
    expect(await page.$eval("#sql", (node) => (node as HTMLTextAreaElement).value)).toBe(
      "select 'remembered' as word",
    );
  });
});
