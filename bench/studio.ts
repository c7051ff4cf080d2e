/**
 * The table editor on a 1,000,000-row table: time from opening `#/tables/bench/big` in Chromium to
 * the first page of rows on screen, and from "Next" to the second page on screen, beside the same
 * `select … order by id limit 51` run through a `pg` client in the same run. The browser figures
 * include what a person waits for: the page, the relation's details, the page query as the
 * chosen role and its bounded visible count, and drawing the grid; the API's answer alone is
 * measured too, to tell the browser's share from the server's. Each figure is the median of
 * several tries, the two sides taking turns.
 */
import { rm } from "node:fs/promises";
import chromium from "@sparticuz/chromium";
import pg from "pg";
import puppeteer from "puppeteer-core";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const tries = 7;

export async function benchStudio(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const client = new pg.Client({ connectionString: stack.dbUrl });
  const browser = await puppeteer.launch({
    args: chromium.args,
    executablePath: await chromium.executablePath(),
    headless: true,
  });
  try {
    await client.connect();
    await client.query(`
      create schema bench;
      create table bench.big (
        id bigint generated always as identity primary key,
        name text not null,
        price int not null,
        created_at timestamptz not null default now()
      );
      insert into bench.big (name, price)
        select 'item ' || i, i % 1000 from generate_series(1, 1000000) i;
      analyze bench.big;`);
    const firstPage = "select * from bench.big order by id asc limit 51";
    const secondPage = "select * from bench.big where id > $1 order by id asc limit 51";

    const onScreen: number[] = [];
    const nextOnScreen: number[] = [];
    const api: number[] = [];
    const direct: number[] = [];
    const directNext: number[] = [];
    for (let i = 0; i < tries; i++) {
      const page = await browser.newPage();
      let started = performance.now();
      await page.goto(`${stack.studioUrl}/#/tables/bench/big`);
      await page.waitForSelector('#rows[data-count="50"]');
      onScreen.push(performance.now() - started);
      await page.$eval("#rows", (node) => node.removeAttribute("data-count"));
      started = performance.now();
      await page.click("#next");
      await page.waitForSelector('#rows[data-count="50"]');
      nextOnScreen.push(performance.now() - started);
      await page.close();

      // The console's API alone (what the page waits for, without the browser's share).
      started = performance.now();
      await (
        await fetch(`${stack.studioUrl}/api/tables/rel/bench/big/rows?as=postgres&limit=50`)
      ).json();
      api.push(performance.now() - started);

      started = performance.now();
      await client.query(firstPage);
      direct.push(performance.now() - started);
      started = performance.now();
      await client.query(secondPage, [50]);
      directNext.push(performance.now() - started);
    }
    return [
      row(
        "studio: first page of a 1M-row table on screen",
        median(onScreen),
        "select … limit 51 through pg",
        median(direct),
        "ms",
      ),
      row(
        "studio: first page from its API (no browser)",
        median(api),
        "select … limit 51 through pg",
        median(direct),
        "ms",
      ),
      row(
        "studio: next page (keyset) on screen",
        median(nextOnScreen),
        "select … where id > … limit 51 through pg",
        median(directNext),
        "ms",
      ),
    ];
  } finally {
    await browser.close();
    await client.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
