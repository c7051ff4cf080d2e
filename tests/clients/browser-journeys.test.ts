// The example web app's journeys that need the outside world, in a real headless Chromium: a magic
// link read from the stack's inbox, Google sign-in against a local OpenID provider, a Stripe
// payment through the fake Stripe's hosted checkout page with the invoice turning paid live, and a
// certificate earned, downloaded and verified. One stack for the file (the payments suites' world,
// configured for Google and for the app's address as the redirect allow-list) and one browser.
import { randomUUID } from "node:crypto";
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serveExample } from "../../clients/examples/web/server.ts";
import { freePort } from "../../supabase/stack/spawn-stack.ts";
import { emailsTo, repositoryConfig, uniqueEmail } from "../helpers/auth.ts";
import { startOidcProvider, type OidcProvider } from "../helpers/oidc-provider.ts";
import { paymentsWorld, type PaymentsWorld, type Person } from "../payments/helpers.ts";
import { testPassword } from "../helpers/db.ts";

let world: PaymentsWorld;
let google: OidcProvider;
let browser: Browser;
let example: Awaited<ReturnType<typeof serveExample>>;

beforeAll(async () => {
  google = await startOidcProvider();
  // The app's address must be known before the stack starts: it is the redirect allow-list.
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const config = await repositoryConfig((config) => {
    config.auth.site_url = appUrl;
    config.auth.additional_redirect_urls = [`${appUrl}/**`];
    Object.assign(config.auth.external.google, {
      enabled: true,
      client_id: google.clientId,
      secret: google.clientSecret,
      url: google.issuer,
    });
  });
  [world, browser] = await Promise.all([
    paymentsWorld({ config }),
    puppeteer.launch({
      args: chromium.args,
      executablePath: await chromium.executablePath(),
      headless: true,
    }),
  ]);
  example = await serveExample({ url: world.stack.apiUrl, anonKey: world.stack.anonKey, port });
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
  await world?.stop();
  await google?.close();
});

/** Waits until the app shows who is signed in; if it never does, fails with what it showed instead. */
async function whoIs(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() =>
      document.querySelector("#who")?.textContent?.startsWith("Signed in"),
    );
  } catch (error) {
    const message = await page.$eval("#message", (node) => node.textContent).catch(() => null);
    throw new Error(`not signed in at ${page.url()}; the app's message: ${message}`, {
      cause: error,
    });
  }
}

async function signIn(person: Person): Promise<Page> {
  const page = await freshPage();
  await page.goto(example.url);
  await page.type("#sign-in input[name=email]", person.email);
  await page.type("#sign-in input[name=password]", testPassword);
  await page.click("#sign-in button");
  await whoIs(page);
  return page;
}

describe("the example web app's sign-in journeys", () => {
  it("signs in with a magic link read from the inbox", async () => {
    const email = uniqueEmail("magic");
    const page = await freshPage();
    await page.goto(example.url);
    await page.type("#magic-link input[name=email]", email);
    await page.click("#magic-link button");
    await page.waitForFunction(
      (address) =>
        document.querySelector("#message")?.textContent === `Check ${address} for a link`,
      {},
      email,
    );
    await vi.waitUntil(async () => (await emailsTo(email, world.stack)).length > 0, {
      timeout: 15_000,
      interval: 100,
    });
    const [mail] = await emailsTo(email, world.stack);
    expect(new URL(mail!.link).searchParams.get("redirect_to")).toBe(`${example.url}/`);
    await page.goto(mail!.link);
    await whoIs(page);
    expect(await page.$eval("#sign-in", (form) => (form as HTMLFormElement).hidden)).toBe(true);
    await page.close();
  });

  it("signs in with Google through the local OpenID provider", async () => {
    google.nextPerson = {
      sub: `google-${randomUUID()}`,
      email: uniqueEmail("google"),
      email_verified: true,
      name: "Grace Browser",
    };
    const page = await freshPage();
    await page.goto(example.url);
    await page.click("#google");
    await whoIs(page);
    expect(await page.$eval("#who", (node) => node.textContent)).toBe("Signed in as Grace Browser");
    expect(google.lastAuthorize?.get("redirect_uri")).toBe(
      `${world.stack.apiUrl}/auth/v1/callback`,
    );
    await page.close();
  });
});

describe("the example web app's payment and certificate journeys", () => {
  it("pays a registration with Stripe and shows the invoice turn paid live", async () => {
    const [admin, payer] = await Promise.all([world.person("Org Admin"), world.person("Payer")]);
    const organization = await world.organization(admin);
    const eventId = await world.event(organization, { price_amount: 2500 });
    const { data: registration } = await payer.client
      .rpc("register_for_event", { p_event_id: eventId })
      .single<{ id: string; status: string }>();
    expect(registration?.status).toBe("pending_payment");

    const page = await signIn(payer);
    const item = `#registrations li[data-registration-id="${registration!.id}"]`;
    await page.waitForSelector(`${item}[data-status="pending_payment"] button`);
    await Promise.all([page.waitForNavigation(), page.click(`${item} button`)]);
    expect(page.url().startsWith(world.stripe.url)).toBe(true);
    await Promise.all([page.waitForNavigation(), page.click("#pay")]);

    // Back in the app before Stripe's webhook: the invoice is still open, and watched live.
    const invoiceId = new URL(page.url()).searchParams.get("invoice");
    await page.waitForSelector('#payment[data-status="open"][data-live="true"]');
    const session = [...world.stripe.sessions.values()].find(
      (candidate) => candidate.client_reference_id === invoiceId && candidate.submitted,
    );
    expect(session).toBeDefined();
    const answer = await world.stripeWebhook(world.stripe.pay(session!.id).completed);
    expect(answer.status).toBe(200);
    await page.waitForSelector('#payment[data-status="paid"]');
    expect(await page.$eval("#payment-status", (node) => node.textContent)).toMatch(
      /^Invoice I[0-9A-Z]+: paid$/,
    );
    await page.waitForSelector(`${item}[data-status="confirmed"]`);
    await page.close();
  });

  it("earns, downloads and verifies a certificate; an unknown code is refused", async () => {
    const [admin, attendee] = await Promise.all([
      world.person("Cert Admin"),
      world.person("Cert Holder"),
    ]);
    const organization = await world.organization(admin);
    await world.db.sql(
      `insert into public.certificate_templates (organization_id, name, is_default) values ($1, 'Attendance', true)`,
      [organization],
    );
    const [event] = await world.db.sql<{ id: string }>(
      `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status, capacity)
       values ($1, $2, 'Brake Clinic', 'Hall', now() + interval '1 hour', now() + interval '3 hours', 'published', 10)
       returning id`,
      [organization, `brake-clinic-${randomUUID().slice(0, 8)}`],
    );
    const { data: registration } = await attendee.client
      .rpc("register_for_event", { p_event_id: event!.id })
      .single<{ id: string }>();
    const checkIn = await admin.client.rpc("check_in_registration", {
      p_registration_id: registration!.id,
    });
    expect(checkIn.error).toBeNull();

    const page = await signIn(attendee);
    const earn = `#registrations li[data-registration-id="${registration!.id}"] button`;
    await page.waitForSelector(earn);
    await page.click(earn);
    const certificate = "#certificates li[data-certificate-id]";
    await page.waitForSelector(certificate);
    expect(await page.$eval(certificate, (node) => node.textContent)).toContain("Brake Clinic");
    await page.click(`${certificate} button`);
    await page.waitForSelector(`${certificate} a:not([hidden])`);
    const href = await page.$eval(`${certificate} a`, (link) => link.href);
    const pdf = await fetch(href);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const code = await page.$eval(certificate, (node) => (node as HTMLElement).dataset.code!);
    await page.type("#verify input[name=code]", code);
    await page.click("#verify button");
    await page.waitForFunction(() => document.querySelector("#verification")?.textContent);
    expect(await page.$eval("#verification", (node) => node.textContent)).toMatch(
      /^valid: Brake Clinic, held by Cert Holder, issued by /,
    );
    await page.$eval("#verify input[name=code]", (input) => (input.value = ""));
    await page.type("#verify input[name=code]", "ZZZZ-ZZZZ-ZZZZ");
    await page.click("#verify button");
    await page.waitForSelector("#message.error");
    await page.close();
  });
});
