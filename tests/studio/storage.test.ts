// The console's Storage section in a real Chromium: buckets and their settings, folders, upload,
// download, a signed URL, and deletes that are asked for first.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";

let browser: Browser;
let files: string;

beforeAll(async () => {
  browser = await launchBrowser();
  files = await mkdtemp(path.join(tmpdir(), "pitlane-studio-storage-"));
});

afterAll(async () => {
  await browser?.close();
  await rm(files, { recursive: true, force: true });
});

async function submitted(page: Page, form: string, message: string): Promise<void> {
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction(
    (text) => document.querySelector("#storage-message")?.textContent === text,
    {},
    message,
  );
}

async function confirmed(page: Page, selector: string, answer: "ok" | "cancel"): Promise<void> {
  await page.click(selector);
  await page.waitForSelector("#confirm[open]");
  await page.click(`#confirm-${answer}`);
}

describe("the console's Storage section", () => {
  it("creates and configures a bucket, browses folders, uploads, downloads, signs and deletes", async () => {
    const bucket = `studio-${randomUUID().slice(0, 8)}`;
    const page = await openSection(browser, "storage");
    await page.type("#bucket-new-id", bucket);
    await submitted(page, "#bucket-create", `Created the bucket ${bucket}`);
    await page.click(`[data-bucket="${bucket}"] a`);
    await page.waitForSelector("#bucket-settings");

    await page.click("#bucket-public");
    await page.type("#bucket-size-limit", "1000");
    await page.type("#bucket-mime-types", "text/plain, image/*");
    await submitted(page, "#bucket-settings", `Saved the settings of ${bucket}`);
    expect(
      await sql(
        "select public, file_size_limit, allowed_mime_types from storage.buckets where id = $1",
        [bucket],
      ),
    ).toEqual([
      { public: true, file_size_limit: "1000", allowed_mime_types: ["text/plain", "image/*"] },
    ]);

    await page.type("#storage-folder-name", "docs");
    await submitted(page, "#storage-new-folder", "Created the folder docs");
    await page.click('#storage-browser tr[data-path="docs"] [data-action=open]');
    await page.waitForFunction(() =>
      document.querySelector("#storage-path")?.textContent?.endsWith("docs"),
    );

    const file = path.join(files, "hello.txt");
    await writeFile(file, "hello from the console");
    const input = (await page.$("#storage-file")) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(file);
    await submitted(page, "#storage-upload", "Uploaded hello.txt");
    const row = '#storage-browser tr[data-path="docs/hello.txt"]';
    await page.waitForSelector(row);
    const [stored] = await sql<{ mimetype: string }>(
      "select metadata ->> 'mimetype' as mimetype from storage.objects where bucket_id = $1 and name = 'docs/hello.txt'",
      [bucket],
    );
    expect(stored!.mimetype).toBe("text/plain");

    const downloaded = await page.$eval(`${row} [data-action=download]`, async (link) => {
      const response = await fetch((link as HTMLAnchorElement).href);
      return {
        text: await response.text(),
        disposition: response.headers.get("content-disposition"),
      };
    });
    expect(downloaded).toEqual({
      text: "hello from the console",
      disposition: "attachment; filename*=UTF-8''hello.txt",
    });

    await page.click(`${row} [data-action=sign]`);
    const signed = await page.waitForSelector("#storage-signed-url");
    const url = await signed!.evaluate((node) => (node as HTMLInputElement).value);
    expect(url).toContain(`/storage/v1/object/sign/${bucket}/docs/hello.txt?token=`);
    expect(await (await fetch(url)).text()).toBe("hello from the console");

    await confirmed(page, `${row} [data-action=delete]`, "cancel");
    expect(await page.$(row)).not.toBeNull();
    await confirmed(page, `${row} [data-action=delete]`, "ok");
    await page.waitForFunction((selector) => !document.querySelector(selector), {}, row);
    expect(
      await sql(
        "select name from storage.objects where bucket_id = $1 and name = 'docs/hello.txt'",
        [bucket],
      ),
    ).toHaveLength(0);

    // A folder goes with everything below it, and nothing beside it.
    for (const name of ["docs/deep/a.txt", "docs/b.txt", "docsier.txt"])
      expect(
        (
          await studioFetch(`/storage/buckets/${bucket}/objects`, {
            method: "POST",
            body: { path: name, contentType: "text/plain", data: "aGk=" },
          })
        ).status,
      ).toBe(200);
    await page.click("#storage-path a");
    const folder = '#storage-browser tr[data-path="docs"]';
    await page.waitForSelector(folder);
    await confirmed(page, `${folder} [data-action=delete]`, "ok");
    await page.waitForFunction((selector) => !document.querySelector(selector), {}, folder);
    expect(
      await sql("select name from storage.objects where bucket_id = $1 order by name", [bucket]),
    ).toEqual([{ name: "docsier.txt" }]);

    // Deleting a bucket that holds files empties it first.
    await confirmed(page, "#bucket-delete", "ok");
    await page.waitForFunction(
      (id) => !document.querySelector(`[data-bucket="${id}"]`),
      {},
      bucket,
    );
    expect(await sql("select 1 from storage.buckets where id = $1", [bucket])).toHaveLength(0);
    await page.close();
  });

  it("answers bad calls with storage's refusals and changes nothing", async () => {
    const bucket = `studio-${randomUUID().slice(0, 8)}`;
    expect(
      (await studioFetch("/storage/buckets", { method: "POST", body: { id: bucket } })).status,
    ).toBe(400);
    expect(
      (
        await studioFetch("/storage/buckets", {
          method: "POST",
          body: { id: bucket, public: false, fileSizeLimit: 10 },
        })
      ).status,
    ).toBe(200);
    const tooBig = await studioFetch(`/storage/buckets/${bucket}/objects`, {
      method: "POST",
      body: {
        path: "a.txt",
        contentType: "text/plain",
        data: Buffer.from("more than ten bytes").toString("base64"),
      },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toBe("The object exceeded the maximum allowed size");
    const badPath = await studioFetch(`/storage/buckets/${bucket}/objects`, {
      method: "POST",
      body: { path: "/a.txt", data: "aGk=" },
    });
    expect(badPath.status).toBe(400);
    const nothing = await studioFetch(`/storage/buckets/${bucket}/objects`, {
      method: "DELETE",
      body: {},
    });
    expect(nothing.status).toBe(400);
    expect((await studioFetch(`/storage/buckets/${bucket}/download?path=missing.txt`)).status).toBe(
      404,
    );
    expect(
      (await studioFetch("/storage/buckets/no-such-bucket", { method: "DELETE" })).status,
    ).toBe(404);
    expect(
      await sql("select name from storage.objects where bucket_id = $1", [bucket]),
    ).toHaveLength(0);
    await studioFetch(`/storage/buckets/${bucket}`, { method: "DELETE" });
  });
});
