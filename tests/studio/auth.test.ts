// The console's Auth section in a real Chromium: users with search, create, invite, confirm, ban
// and delete (asked first), a user's identities, sessions and audit log, and the inbox beside them.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInClient, uniqueEmail } from "../helpers/auth.ts";
import { createUser, sql } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const row = (email: string) => `#auth-users tr[data-email="${email}"]`;

/** Searches for one user and waits until the list shows only them. */
async function search(page: Page, text: string): Promise<void> {
  await page.$eval(
    "#auth-search",
    (input, value) => ((input as HTMLInputElement).value = value),
    text,
  );
  await page.click("#auth-search-form button[type=submit]");
  await page.waitForSelector('#auth-users [data-total="1"]');
}

/** Clicks a row's action and answers the console's confirmation dialog. */
async function confirmed(page: Page, selector: string, answer: "ok" | "cancel"): Promise<void> {
  await page.click(selector);
  await page.waitForSelector("#confirm[open]");
  await page.click(`#confirm-${answer}`);
}

describe("the console's Auth section", () => {
  it("finds, creates, confirms, bans and deletes users, asking before the delete", async () => {
    const page = await openSection(browser, "auth");
    const email = uniqueEmail("studio-auth");
    await page.type("#auth-new-email", email);
    await page.type("#auth-new-password", "a-password-1");
    await page.click("#auth-new-confirm");
    await page.click("#auth-create button[type=submit]");
    await page.waitForFunction(
      (text) => document.querySelector("#auth-message")?.textContent === text,
      {},
      `Created ${email}`,
    );

    await search(page, email.split("@")[0]!);
    await page.waitForSelector(`${row(email)} [data-action=confirm]`);
    expect(await page.$$eval("#auth-users tbody tr", (rows) => rows.length)).toBe(1);

    await page.click(`${row(email)} [data-action=confirm]`);
    await page.waitForSelector(`${row(email)}:not(:has([data-action=confirm]))`);
    const [user] = await sql<{ id: string; email_confirmed_at: Date | null }>(
      "select id, email_confirmed_at from auth.users where email = $1",
      [email],
    );
    expect(user!.email_confirmed_at).not.toBeNull();

    await page.$eval("#auth-ban-duration", (input) => ((input as HTMLInputElement).value = "2h"));
    await page.click(`${row(email)} [data-action=ban]`);
    await page.waitForSelector(`${row(email)} [data-action=unban]`);
    const [banned] = await sql<{ hours: number }>(
      "select round(extract(epoch from banned_until - now()) / 3600) as hours from auth.users where id = $1",
      [user!.id],
    );
    expect(Number(banned!.hours)).toBe(2);
    await page.click(`${row(email)} [data-action=unban]`);
    await page.waitForSelector(`${row(email)} [data-action=ban]`);
    expect(
      (await sql("select banned_until from auth.users where id = $1", [user!.id]))[0]!.banned_until,
    ).toBeNull();

    // Cancelled: nothing happens. Confirmed: the user is gone.
    await confirmed(page, `${row(email)} [data-action=delete]`, "cancel");
    expect(await sql("select 1 from auth.users where id = $1", [user!.id])).toHaveLength(1);
    expect(await page.$(row(email))).not.toBeNull();
    await confirmed(page, `${row(email)} [data-action=delete]`, "ok");
    await page.waitForFunction((selector) => !document.querySelector(selector), {}, row(email));
    expect(await sql("select 1 from auth.users where id = $1", [user!.id])).toHaveLength(0);
    await page.close();
  });

  it("shows a user's identities, sessions and audit log, and the invitation in the inbox", async () => {
    const member = await createUser();
    await signedInClient(member);
    const page = await openSection(browser, "auth");
    await search(page, member.email);
    await page.waitForSelector(row(member.email));
    await page.click(`${row(member.email)} [data-action=details]`);
    await page.waitForSelector("#auth-sessions tbody tr");
    expect(
      await page.$$eval("#auth-identities td[data-column=provider]", (cells) =>
        cells.map((cell) => cell.textContent),
      ),
    ).toEqual(["email"]);
    const [session] = await sql<{ id: string }>("select id from auth.sessions where user_id = $1", [
      member.id,
    ]);
    expect(await page.$eval("#auth-sessions td[data-column=id]", (cell) => cell.textContent)).toBe(
      session!.id,
    );
    expect(
      await page.$$eval("#auth-audit td[data-column=action]", (cells) =>
        cells.map((cell) => cell.textContent),
      ),
    ).toContain("login");

    const invited = uniqueEmail("studio-invite");
    await page.type("#auth-invite-email", invited);
    await page.click("#auth-invite button[type=submit]");
    const mail = "#auth-messages li a";
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent === "You've been invited",
      {},
      mail,
    );
    await page.click(mail);
    const frame = await page.waitForSelector("#auth-mail iframe[sandbox]");
    expect(await frame!.evaluate((node) => node.srcdoc)).toContain("/auth/v1/verify");
    expect(await sql("select invited_at from auth.users where email = $1", [invited])).toHaveLength(
      1,
    );
    await page.close();
  });

  it("answers bad calls with 400 or 404 and changes nothing", async () => {
    expect(
      (await studioFetch("/auth/users", { method: "POST", body: { email: "not-an-email" } }))
        .status,
    ).toBe(400);
    expect((await studioFetch("/auth/users/not-a-uuid")).status).toBe(400);
    expect((await studioFetch(`/auth/users/${crypto.randomUUID()}`)).status).toBe(404);
    const member = await createUser();
    const bad = await studioFetch(`/auth/users/${member.id}/ban`, {
      method: "POST",
      body: { duration: "forever" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/duration/);
    expect(
      (await sql("select banned_until from auth.users where id = $1", [member.id]))[0]!
        .banned_until,
    ).toBeNull();
    // A user that exists already is the admin API's 422, passed on.
    expect(
      (await studioFetch("/auth/users", { method: "POST", body: { email: member.email } })).status,
    ).toBe(422);
  });
});
