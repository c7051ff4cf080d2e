// The console's safety rules: it answers only its own pages (another origin, a cross-site fetch, a
// write without the page's token and a foreign Host are refused with 403, also from a real page
// on another origin in Chromium), and the service key, the secret key and the JWT secret never
// appear in a page, a script or an API answer, even when a query selects them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, stack } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch, studioUrl } from "../helpers/studio.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("the console's safety", () => {
  it("listens on 127.0.0.1 and prints its URL", () => {
    expect(studioUrl()).toBe(`http://127.0.0.1:${stack().studioPort}`);
  });

  it("refuses another origin, a cross-site fetch, a write without its token and a foreign Host", async () => {
    expect((await studioFetch("/session")).status).toBe(200);
    const foreign = await studioFetch("/session", { headers: { origin: "http://evil.test" } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toMatch(/evil\.test/);
    expect(
      (await studioFetch("/session", { headers: { "sec-fetch-site": "cross-site" } })).status,
    ).toBe(403);
    const noToken = await studioFetch("/sql/run", {
      method: "POST",
      body: { sql: "select 1" },
      headers: { "x-studio-csrf": "guessed" },
    });
    expect(noToken.status).toBe(403);
    // A page on a rebound name reaches 127.0.0.1 with its own Host (fetch cannot set one).
    const rebound = await new Promise<number>((resolve, reject) =>
      http
        .get(
          {
            host: "127.0.0.1",
            port: stack().studioPort,
            path: "/",
            headers: { host: `attacker.test:${stack().studioPort}` },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode!);
          },
        )
        .on("error", reject),
    );
    expect(rebound).toBe(403);
  });

  it("a page on another origin cannot make it run SQL", async () => {
    const table = `csrf_probe_${Date.now()}`;
    const evil = http.createServer((_, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<script>
        fetch(${JSON.stringify(`${studioUrl()}/api/sql/run`)}, {
          method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" },
          body: JSON.stringify({ sql: "create table public.${table} ()" }),
        }).finally(() => { document.title = "sent"; });
      </script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    try {
      const page = await browser.newPage();
      const answers: number[] = [];
      page.on("response", (response) => {
        if (response.url().includes("/api/sql/run")) answers.push(response.status());
      });
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => document.title === "sent");
      await page.close();
      expect(await sql(`select to_regclass($1) as found`, [`public.${table}`])).toEqual([
        { found: null },
      ]);
      expect(answers.every((status) => status === 403)).toBe(true);
    } finally {
      evil.close();
    }
  });

  it("never sends the service key, the secret key or the JWT secret", async () => {
    const { serviceRoleKey, secretKey, jwtSecret } = stack();
    const secrets = [serviceRoleKey, secretKey, jwtSecret];
    const selected = await studioFetch("/sql/run", {
      method: "POST",
      body: {
        sql: `select '${serviceRoleKey}' as service, '${secretKey}' as secret, '${jwtSecret}' as jwt`,
      },
    });
    expect(selected.status).toBe(200);
    expect(selected.body.results[0].rows[0]).toEqual([
      "[service_role key withheld by the console]",
      "[secret key withheld by the console]",
      "[JWT secret withheld by the console]",
    ]);
    const answers = [
      selected.text,
      await (await fetch(`${studioUrl()}/`)).text(),
      await (await fetch(`${studioUrl()}/studio.js`)).text(),
      (await studioFetch("/session")).text,
      (await studioFetch("/sql/history")).text,
      (await studioFetch("/tables/schemas")).text,
      (await studioFetch("/logs/requests")).text,
    ];
    for (const answer of answers)
      for (const secret of secrets) expect(answer).not.toContain(secret);

    // Every section as the browser draws it.
    const bodies: string[] = [];
    const session = (await studioFetch("/session")).body as { sections: { id: string }[] };
    for (const { id } of session.sections) {
      const opened = await openSection(browser, id);
      bodies.push(await opened.content());
      await opened.close();
    }
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
  });

  it("asks before a destructive action", async () => {
    const name = `safety-${Date.now()}`;
    await studioFetch(`/sql/snippets/${name}`, { method: "PUT", body: { sql: "select 1" } });
    const page = await openSection(browser, "sql");
    const snippet = `#snippets li[data-snippet="${name}"]`;
    await page.waitForSelector(snippet);
    await page.click(`${snippet} button.delete`);
    await page.waitForSelector("#confirm[open]");
    await page.click("#confirm-cancel");
    expect((await studioFetch("/sql/snippets")).body[name]).toBe("select 1");
    await page.click(`${snippet} button.delete`);
    await page.waitForSelector("#confirm[open]");
    await page.click("#confirm-ok");
    await page.waitForSelector(snippet, { hidden: true });
    expect((await studioFetch("/sql/snippets")).body[name]).toBeUndefined();
    await page.close();
  });
});
