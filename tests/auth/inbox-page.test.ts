import vm from "node:vm";
import { describe, expect, it } from "vitest";
import type { Stack } from "../../supabase/stack/stack.ts";
import { formatStatus } from "../../supabase/stack/status.ts";
import { anonClient } from "../helpers/auth.ts";
import { createUser, stack } from "../helpers/db.ts";

const inbox = () => `http://127.0.0.1:${stack().inboxPort}`;
const sender = "Admin &#60;admin@email.com&#62;";

async function sendResetEmail(): Promise<string> {
  const user = await createUser();
  const { error } = await anonClient().auth.resetPasswordForEmail(user.email);
  expect(error).toBeNull();
  return user.email;
}

/** The table row of the message to `address` in the page's HTML. */
const rowTo = (html: string, address: string) =>
  html.split("\n").find((line) => line.includes(`<td>${address}</td>`));

describe("the inbox's name", () => {
  // `supabase start` and `supabase status` call the local mail UI Mailpit (they used to say Inbucket).
  it("is Mailpit's in the start banner, as the Supabase CLI prints it", () => {
    const running = {
      apiUrl: "http://127.0.0.1:54321",
      dbUrl: "postgresql://db",
      inboxUrl: "http://127.0.0.1:54324",
      keys: { jwtSecret: "s", anonKey: "a", serviceRoleKey: "r" },
    };
    const banner = formatStatus(running as unknown as Stack, {
      startMs: 1000,
      memoryBytes: 2 ** 20,
      cold: true,
    });
    expect(banner).toMatch(/^ +Mailpit URL: http:\/\/127\.0\.0\.1:54324$/m);
    expect(banner).not.toMatch(/Inbucket/);
  });
});

describe("the inbox page", () => {
  it("lists each message with its sender, recipient and subject", async () => {
    const address = await sendResetEmail();
    const page = await (await fetch(inbox())).text();
    const row = rowTo(page, address);
    expect(row).toContain(`<td>${sender}</td>`);
    expect(row).toMatch(
      /<a href="\/view\/[0-9a-f-]+\.html" target="message">Reset your password<\/a>/,
    );
  });

  it("shows new mail without a reload: its script redraws the list from Mailpit's API when mail arrives", async () => {
    const html = await (await fetch(inbox())).text();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
    expect(script).toBeDefined();
    // The page's own script, in a context with just what it uses of a browser.
    const list = { innerHTML: "" };
    const timers: (() => Promise<void>)[] = [];
    const context = vm.createContext({
      document: { getElementById: (id: string) => (id === "messages" ? list : null) },
      fetch: (path: string) => fetch(new URL(path, inbox())),
      setTimeout: (tick: () => Promise<void>) => timers.push(tick),
    });
    vm.runInContext(script!, context);
    const nextTick = async () => {
      expect(timers).toHaveLength(1);
      await timers.pop()!();
    };

    const address = await sendResetEmail();
    await nextTick();
    const row = rowTo(list.innerHTML, address);
    expect(row).toContain(`<td>${sender}</td>`);
    expect(row).toContain("Reset your password</a>");
    expect(timers, "it keeps asking").toHaveLength(1);
  });
});
