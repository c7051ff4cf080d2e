// The console's realtime inspector in a real Chromium: it joins a channel as a chosen user with a
// token the server mints, shows that user's postgres_changes (and not another's), broadcast both
// ways with an app's supabase-js client, and presence.
import { randomUUID } from "node:crypto";
import type { RealtimeChannel } from "@supabase/supabase-js";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInClient } from "../helpers/auth.ts";
import { createUser, sql, type TestUser } from "../helpers/db.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";

let browser: Browser;
const channels: RealtimeChannel[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(channels.map((channel) => channel.unsubscribe()));
  await browser?.close();
});

const notify = (user: TestUser, title: string) =>
  sql(
    "insert into public.notifications (user_id, type, title) values ($1, 'system_announcement', $2)",
    [user.id, title],
  );

/** The text of the log's entries of one kind and direction. */
const entries = (page: Page, kind: string, direction = "in") =>
  page.$$eval(`#rt-log li[data-kind="${kind}"][data-direction="${direction}"]`, (items) =>
    items.map((item) => item.textContent ?? ""),
  );

const logged = (page: Page, kind: string, text: string) =>
  page.waitForFunction(
    (kind, text) =>
      [...document.querySelectorAll(`#rt-log li[data-kind="${kind}"][data-direction="in"]`)].some(
        (item) => item.textContent?.includes(text),
      ),
    {},
    kind,
    text,
  );

describe("the console's realtime inspector", () => {
  it("joins as a chosen user and shows their changes, broadcast both ways and presence", async () => {
    const [member, other] = [await createUser(), await createUser()];
    const topic = `studio-${randomUUID().slice(0, 8)}`;
    const page = await openSection(browser, "realtime");
    await page.type("#rt-user-search", member.email);
    await page.click("#rt-find button[type=submit]");
    await page.waitForFunction(
      (id) => (document.querySelector("#rt-as") as HTMLSelectElement).value === id,
      {},
      member.id,
    );
    await page.$eval(
      "#rt-channel",
      (input, value) => ((input as HTMLInputElement).value = value),
      topic,
    );
    await page.type("#rt-table", "notifications");
    await page.select("#rt-event", "INSERT");
    await page.click("#rt-join button[type=submit]");
    await page.waitForSelector("#rt-status[data-state=joined]");
    expect(await page.$eval("#rt-status", (node) => node.textContent)).toBe(
      `Joined realtime:${topic} as ${member.email}.`,
    );
    await logged(page, "system", "Subscribed to PostgreSQL");

    // RLS decides: the other member's notification never reaches this user's channel.
    await notify(other, "for the other member");
    await notify(member, "for the chosen member");
    await logged(page, "postgres_changes", "for the chosen member");
    expect((await entries(page, "postgres_changes")).join()).not.toContain("for the other member");
    // Only the chosen event: marking it read (an UPDATE) shows nothing before the next INSERT.
    await sql("update public.notifications set read_at = now() where user_id = $1", [member.id]);
    await notify(member, "the second one");
    await logged(page, "postgres_changes", "the second one");
    expect((await entries(page, "postgres_changes")).join()).not.toContain('"UPDATE"');

    // An app on the same channel hears the console's broadcast, and the console hears the app's.
    const app = await signedInClient(other);
    const heard: unknown[] = [];
    const channel = app
      .channel(topic)
      .on("broadcast", { event: "message" }, ({ payload }) => heard.push(payload));
    channels.push(channel);
    await new Promise<void>((resolve) =>
      channel.subscribe((status) => status === "SUBSCRIBED" && resolve()),
    );
    await page.$eval(
      "#rt-broadcast-payload",
      (input) => ((input as HTMLInputElement).value = '{"text":"from the console"}'),
    );
    await page.click("#rt-broadcast button[type=submit]");
    await logged(page, "broadcast", "from the console");
    await expect.poll(() => heard).toEqual([{ text: "from the console" }]);
    await channel.send({ type: "broadcast", event: "message", payload: { text: "from the app" } });
    await logged(page, "broadcast", "from the app");

    await page.click("#rt-presence button[type=submit]");
    await logged(page, "presence", '"status":"online"');
    await page.click("#rt-leave");
    await page.waitForSelector("#rt-status[data-state=closed]");
    await page.close();
  });

  it("mints tokens only for users that exist, and never the service role", async () => {
    expect(
      (
        await studioFetch("/realtime/token", {
          method: "POST",
          body: { as: "user", userId: "nope" },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await studioFetch("/realtime/token", {
          method: "POST",
          body: { as: "user", userId: randomUUID() },
        })
      ).status,
    ).toBe(404);
    expect(
      (await studioFetch("/realtime/token", { method: "POST", body: { as: "service_role" } }))
        .status,
    ).toBe(400);
    const member = await createUser();
    const minted = await studioFetch("/realtime/token", {
      method: "POST",
      body: { as: "user", userId: member.id },
    });
    expect(minted.status).toBe(200);
    const claims = JSON.parse(Buffer.from(minted.body.token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ sub: member.id, role: "authenticated", email: member.email });
  });
});
