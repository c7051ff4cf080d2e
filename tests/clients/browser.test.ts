// The example web app (clients/examples/web) in a real headless Chromium from npm
// (@sparticuz/chromium with puppeteer-core; nothing downloads a browser): sign in, search events,
// register, a waitlist place turning into an offer live, the notifications bell and inbox updating
// live, and support chat. The journeys that need Google, Stripe or the inbox are in
// browser-journeys.test.ts.
import { randomUUID } from "node:crypto";
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { withDomains } from "@pitlane/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serveExample } from "../../clients/examples/web/server.ts";
import { signedInClient } from "../helpers/auth.ts";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";

let browser: Browser;
let example: Awaited<ReturnType<typeof serveExample>>;

beforeAll(async () => {
  example = await serveExample({ url: stack().apiUrl, anonKey: stack().anonKey });
  browser = await puppeteer.launch({
    args: chromium.args,
    executablePath: await chromium.executablePath(),
    headless: true,
  });
});

/**
 * A new page with no session left in the app's localStorage by an earlier test (the app signs in
 * with a kept session; @sparticuz/chromium runs single-process, where a second browser context
 * crashes it).
 */
async function freshPage(): Promise<Page> {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send("Storage.clearDataForOrigin", {
    origin: example.url,
    storageTypes: "local_storage",
  });
  await cdp.detach();
  return page;
}

afterAll(async () => {
  await browser?.close();
  await example?.close();
});

async function signIn(user: TestUser): Promise<Page> {
  const page = await freshPage();
  await page.goto(example.url);
  await page.type("#sign-in input[name=email]", user.email);
  await page.type("#sign-in input[name=password]", user.password);
  await page.click("#sign-in button");
  await page.waitForFunction(() =>
    document.querySelector("#who")?.textContent?.startsWith("Signed in"),
  );
  return page;
}

describe("the example web app", () => {
  it("signs in, searches, registers, and shows a waitlist offer and new notifications live", async () => {
    const title = `Browser Day ${randomUUID().slice(0, 8)}`;
    const [event] = await sql<{ id: string }>(
      `insert into public.events (slug, title, venue_name, starts_at, ends_at, status, capacity)
       values ($1, $2, 'Hall', now() + interval '1 day', now() + interval '1 day 3 hours', 'published', 1)
       returning id`,
      [title.toLowerCase().replaceAll(" ", "-"), title],
    );
    const first = await createUser({ full_name: "Seat Holder" });
    const firstClient = await signedInClient(first);
    const { data: seat } = await firstClient
      .rpc("register_for_event", { p_event_id: event!.id })
      .single<{ id: string }>();

    const user = await createUser({ full_name: "Browser Person" });
    const page = await signIn(user);
    expect(await page.$eval("#who", (node) => node.textContent)).toBe(
      "Signed in as Browser Person",
    );
    await page.waitForSelector('#bell[data-live="true"]');

    await page.type("#search input[name=q]", title);
    await page.click("#search button");
    const item = `li[data-event-id="${event!.id}"]`;
    await page.waitForSelector(item);
    expect(await page.$$eval("#events li", (items) => items.length)).toBe(1);
    await page.click(`${item} button`);
    await page.waitForSelector(`${item}[data-status="waitlisted"][data-place="1"]`);
    expect(await page.$eval("#message", (node) => node.textContent)).toBe(
      "You are number 1 on the waiting list",
    );

    // The seat frees up: the page shows the offer without a reload.
    await firstClient.rpc("cancel_registration", { p_registration_id: seat!.id });
    await page.waitForSelector(`${item}[data-status="offered"]`);

    expect(await page.$eval("#unread", (node) => node.textContent)).not.toBeNull();
    const before = Number(await page.$eval("#unread", (node) => node.textContent));
    await sql(
      `insert into public.notifications (user_id, type, title) values ($1, 'system_announcement', 'Hello from the test')`,
      [user.id],
    );
    await page.waitForFunction(
      (count) => Number(document.querySelector("#unread")?.textContent) > count,
      {},
      before,
    );
    await page.close();
  });

  it("chats with support live, typing indicators both ways", async () => {
    const founder = await createUser({ full_name: "Chat Founder" });
    const staffUser = await createUser({ full_name: "Support Staff" });
    const [organization] = await sql<{ id: string }>(
      `insert into public.organizations (slug, display_name, created_by) values ($1, 'Browser Garage', $2) returning id`,
      [`browser-${randomUUID().slice(0, 8)}`, founder.id],
    );
    await sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff')`,
      [organization!.id, staffUser.id],
    );
    const user = await createUser({ full_name: "Chat Person" });
    const memberSide = withDomains(await signedInClient(user));
    const thread = await memberSide.chat.start("Rattle at idle", {
      organizationId: organization!.id,
      body: "It rattles when idling",
    });
    const staff = withDomains(await signedInClient(staffUser));
    await staff.rpc("assign_chat_thread", { p_thread_id: thread.id });
    const heard: string[] = [];
    let typed = false;
    const desk = staff.live.chatThread(thread.id, staffUser.id, {
      onMessage: (message) => heard.push(message.body),
      onTyping: () => (typed = true),
    });
    await desk.ready();

    const page = await signIn(user);
    // Live once its channel has joined, shown once the history is in: the two race.
    await page.waitForSelector('#chat[data-live="true"]:not([hidden])');
    expect(await page.$eval("#chat-log", (log) => log.textContent)).toContain(
      "It rattles when idling",
    );
    await desk.typing();
    await page.waitForSelector("#typing:not([hidden])");
    await staff.chat.send(thread.id, "Check the heat shield");
    await page.waitForFunction(() =>
      document.querySelector("#chat-log")?.textContent?.includes("Check the heat shield"),
    );
    await page.type("#chat-form input", "Thanks!");
    await vi.waitUntil(() => typed, { timeout: 10_000 });
    await page.click("#chat-form button");
    await vi.waitUntil(() => heard.includes("Thanks!"), { timeout: 10_000 });
    await desk.close();
    await page.close();
  });

  it("keeps a notifications inbox: the list, the unread count live, marking one and all read", async () => {
    const user = await createUser({ full_name: "Inbox Person" });
    const notify = (title: string) =>
      sql<{ id: string }>(
        `insert into public.notifications (user_id, type, title) values ($1, 'system_announcement', $2) returning id`,
        [user.id, title],
      );
    const [first] = await notify("Track day moved");
    await notify("New parts in stock");
    const page = await signIn(user);
    await page.waitForSelector('#bell[data-live="true"]');
    const unread = async () => Number(await page.$eval("#unread", (node) => node.textContent));
    const before = await unread();
    const titles = await page.$$eval('#inbox-list li[data-read="false"]', (items) =>
      items.map((item) => item.textContent),
    );
    expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(/^Track day moved/)]));
    expect(before).toBe(titles.length);

    const [arrived] = await notify("Your seat is confirmed");
    await page.waitForSelector(`#inbox-list li[data-notification-id="${arrived!.id}"]`);
    await page.waitForFunction(
      (count) => document.querySelector("#unread")?.textContent === String(count),
      {},
      before + 1,
    );

    const item = `#inbox-list li[data-notification-id="${first!.id}"]`;
    await page.click(`${item} button`);
    await page.waitForSelector(`${item}[data-read="true"]`);
    await page.waitForFunction(
      (count) => document.querySelector("#unread")?.textContent === String(count),
      {},
      before,
    );
    const [row] = await sql<{ read_at: Date | null }>(
      `select read_at from public.notifications where id = $1`,
      [first!.id],
    );
    expect(row!.read_at).not.toBeNull();

    await page.click("#mark-all-read");
    await page.waitForFunction(() => document.querySelector("#unread")?.textContent === "0");
    expect(await page.$$eval('#inbox-list li[data-read="false"]', (items) => items.length)).toBe(0);
    await page.close();
  });

  it("shows a failed sign-in as an error", async () => {
    const page = await freshPage();
    await page.goto(example.url);
    await page.type("#sign-in input[name=email]", "nobody@example.test");
    await page.type("#sign-in input[name=password]", "wrong-password");
    await page.click("#sign-in button");
    await page.waitForSelector("#message.error");
    expect(await page.$eval("#sign-in", (form) => (form as HTMLFormElement).hidden)).toBe(false);
    await page.close();
  });
});
