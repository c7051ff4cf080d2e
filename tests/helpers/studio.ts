/**
 * The local console (Studio) in tests: the shared test stack serves it (spawnStack gives every
 * stack a free --studio-port), a real headless Chromium from npm opens its sections (one browser
 * per test file), and `studioFetch` calls its API as its own page does.
 */
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { stack } from "./db.ts";

export const studioUrl = (): string => stack().studioUrl;

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    args: chromium.args,
    executablePath: await chromium.executablePath(),
    headless: true,
  });
}

/**
 * A new page on `#/<id>/<route…>`, resolved once the section has drawn itself (`data-ready`).
 * A page error fails the wait rather than leaving it to time out.
 */
export async function openSection(
  browser: Browser,
  id: string,
  route: string[] = [],
  base = studioUrl(),
): Promise<Page> {
  const page = await browser.newPage();
  const errors: Error[] = [];
  page.on("pageerror", (error) => errors.push(error as Error));
  const hash = [id, ...route].map(encodeURIComponent).join("/");
  await page.goto(`${base}/#/${hash}`);
  await page
    .waitForSelector(`[data-section="${id}"][data-ready]`, { timeout: 20_000 })
    .catch((error: unknown) => {
      throw errors[0] ?? error;
    });
  return page;
}

let csrfToken: Promise<string> | undefined;

/** The per-process token the console's page carries, read as the page gets it. */
export function studioCsrfToken(base = studioUrl()): Promise<string> {
  csrfToken ??= fetch(`${base}/`)
    .then((response) => response.text())
    .then((html) => /name="studio-csrf" content="([^"]+)"/.exec(html)![1]!);
  return csrfToken;
}

/** A call to the console's API as its page makes it: same origin, the CSRF token, JSON. */
export async function studioFetch(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; text: string }> {
  const base = studioUrl();
  const response = await fetch(`${base}/api${path}`, {
    method: init.method ?? "GET",
    headers: {
      origin: base,
      "sec-fetch-site": "same-origin",
      "x-studio-csrf": await studioCsrfToken(base),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}
