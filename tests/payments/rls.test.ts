// Row-level security of the payments tables, per role: what each may read, and that nobody
// writes the ledger directly (RPCs and the service role only). Runs on the run's stack, as
// PostgREST runs requests (authenticator → role + JWT claims), each case rolled back.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anon,
  domainStack,
  serviceRole,
  type Claims,
  type DomainStack,
  type User,
} from "../domain/helpers.ts";

let stack: DomainStack;
const u = {} as Record<
  "buyer" | "stranger" | "member" | "staff" | "admin" | "platformAdmin" | "otherAdmin",
  User
>;
let org: string;
let otherOrg: string;
let invoiceId: string;
let productInvoiceId: string;
let activeProduct: string;
let hiddenProduct: string;

const claims = (name: keyof typeof u): Claims => u[name].claims;

beforeAll(async () => {
  stack = await domainStack();
  const db = stack.db;
  for (const name of [
    "buyer",
    "stranger",
    "member",
    "staff",
    "admin",
    "platformAdmin",
    "otherAdmin",
  ] as const)
    u[name] = await db.createUser({ full_name: `RLS ${name}` });
  org = randomUUID();
  otherOrg = randomUUID();
  await db.sql(`insert into public.platform_admins (user_id) values ($1)`, [u.platformAdmin.id]);
  await db.sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'RLS Org', $3), ($4, $5, 'Other Org', $6)`,
    [
      org,
      `rls-pay-${org.slice(0, 8)}`,
      u.admin.id,
      otherOrg,
      `rls-pay-${otherOrg.slice(0, 8)}`,
      u.otherAdmin.id,
    ],
  );
  await db.sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'member'), ($1, $3, 'staff')`,
    [org, u.member.id, u.staff.id],
  );
  const [event] = await db.sql<{ id: string }>(
    `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, capacity, price_amount, currency, status)
     values ($1, $2, 'RLS paid event', 'Hall', now() + interval '5 days', now() + interval '5 days 2 hours', 5, 2000, 'USD', 'published') returning id`,
    [org, `rls-pay-event-${org.slice(0, 8)}`],
  );
  const [registration] = await db.rpc<{ id: string }>(claims("buyer"), "register_for_event", {
    p_event_id: event!.id,
  });
  const [invoice] = await db.rpc<{ id: string; total_amount: number }>(
    claims("buyer"),
    "checkout_event_registration",
    { p_registration_id: registration!.id },
  );
  invoiceId = invoice!.id;
  expect(invoice!.total_amount).toBe(2000);
  await db.rpc(serviceRole, "apply_provider_event", {
    p_provider: "stripe",
    p_event_id: `evt_rls_${invoiceId}`,
    p_event_type: "checkout.session.completed",
    p_payload: {},
    p_action: {
      kind: "payment",
      invoice_id: invoiceId,
      provider_payment_id: `pi_rls_${invoiceId}`,
      amount: 2000,
      currency: "usd",
    },
  });
  await db.rpc(claims("admin"), "request_refund", { p_invoice_id: invoiceId, p_amount: 500 });

  const [p1] = await db.sql<{ id: string }>(
    `insert into public.products (sku, name, price_amount, currency, is_active) values ($1, 'Active', 100, 'USD', true) returning id`,
    [`A-${randomUUID().slice(0, 8)}`],
  );
  const [p2] = await db.sql<{ id: string }>(
    `insert into public.products (sku, name, price_amount, currency, is_active) values ($1, 'Hidden', 100, 'USD', false) returning id`,
    [`H-${randomUUID().slice(0, 8)}`],
  );
  activeProduct = p1!.id;
  hiddenProduct = p2!.id;
  await db.sql(
    `insert into public.product_images (product_id, storage_path, is_primary) values ($1::uuid, $1::text || '/a.jpg', true), ($2::uuid, $2::text || '/h.jpg', true)`,
    [activeProduct, hiddenProduct],
  );
  const [cart] = await db.rpc<{ id: string }>(claims("buyer"), "checkout_products", {
    p_items: JSON.stringify([{ product_id: activeProduct, quantity: 3 }]),
  });
  productInvoiceId = cart!.id;
});

afterAll(async () => {
  await stack?.stop();
});

async function visible(who: Claims, table: string, column: string, ids: string[]): Promise<number> {
  const rows = await stack.db.asRole(
    who,
    async (client) =>
      (await client.query(`select 1 from public.${table} where ${column} = any($1)`, [ids])).rows,
  );
  return rows.length;
}

async function refused(who: Claims, statement: string, params: unknown[] = []): Promise<string> {
  try {
    await stack.db.asRole(who, (client) => client.query(statement, params));
  } catch (error) {
    return (error as { code: string }).code;
  }
  return "allowed";
}

describe("reading the ledger", () => {
  const tables = [
    ["invoices", "id"],
    ["invoice_items", "invoice_id"],
    ["invoice_events", "invoice_id"],
    ["payments", "invoice_id"],
    ["refunds", "invoice_id"],
  ] as const;

  it.each(tables)(
    "%s: the owner, the seller's admins and platform admins; not members, staff, strangers, other organizations or anon",
    async (table, column) => {
      const ids = [invoiceId];
      expect(await visible(claims("buyer"), table, column, ids)).toBeGreaterThan(0);
      expect(await visible(claims("admin"), table, column, ids)).toBeGreaterThan(0);
      expect(await visible(claims("platformAdmin"), table, column, ids)).toBeGreaterThan(0);
      expect(await visible(serviceRole, table, column, ids)).toBeGreaterThan(0);
      for (const who of ["stranger", "member", "staff", "otherAdmin"] as const)
        expect(await visible(claims(who), table, column, ids)).toBe(0);
      expect(await refused(anon, `select 1 from public.${table}`)).toBe("42501");
    },
  );

  it("platform invoices (products) are the owner's and platform admins' only", async () => {
    expect(await visible(claims("buyer"), "invoices", "id", [productInvoiceId])).toBe(1);
    expect(await visible(claims("platformAdmin"), "invoices", "id", [productInvoiceId])).toBe(1);
    expect(await visible(claims("admin"), "invoices", "id", [productInvoiceId])).toBe(0);
  });

  it("provider_events: platform admins only", async () => {
    const ids = [`evt_rls_${invoiceId}`];
    expect(await visible(claims("platformAdmin"), "provider_events", "event_id", ids)).toBe(1);
    for (const who of ["buyer", "admin", "stranger"] as const)
      expect(await visible(claims(who), "provider_events", "event_id", ids)).toBe(0);
    expect(await refused(anon, `select 1 from public.provider_events`)).toBe("42501");
  });

  it("computes amounts in the database: the invoice total is its items' sum at current prices", async () => {
    const [row] = await stack.db.sql(
      `select total_amount, (select sum(amount) from public.invoice_items where invoice_id = $1)::int as items from public.invoices where id = $1`,
      [productInvoiceId],
    );
    expect(row).toEqual({ total_amount: 300, items: 300 });
  });
});

describe("writing the ledger", () => {
  it("nobody writes invoices, items, payments, refunds or provider events directly", async () => {
    for (const who of ["buyer", "admin", "platformAdmin"] as const) {
      expect(
        await refused(
          claims(who),
          `insert into public.invoices (user_id, currency, expires_at) values ($1, 'USD', now())`,
          [u[who].id],
        ),
      ).toBe("42501");
      expect(
        await refused(claims(who), `update public.invoices set status = 'paid' where id = $1`, [
          invoiceId,
        ]),
      ).toBe("42501");
      expect(
        await refused(
          claims(who),
          `update public.invoice_items set unit_amount = 1 where invoice_id = $1`,
          [invoiceId],
        ),
      ).toBe("42501");
      expect(
        await refused(claims(who), `delete from public.payments where invoice_id = $1`, [
          invoiceId,
        ]),
      ).toBe("42501");
      expect(
        await refused(
          claims(who),
          `update public.refunds set status = 'succeeded' where invoice_id = $1`,
          [invoiceId],
        ),
      ).toBe("42501");
      expect(
        await refused(
          claims(who),
          `insert into public.provider_events (provider, event_id, event_type, status, payload) values ('stripe', 'x', 'x', 'processed', '{}')`,
        ),
      ).toBe("42501");
    }
  });

  it("the webhook hooks are the service role's only", async () => {
    const args = `'stripe', 'evt_forged', 'checkout.session.completed', '{}'::jsonb, '{"kind": "payment"}'::jsonb`;
    expect(await refused(claims("buyer"), `select public.apply_provider_event(${args})`)).toBe(
      "42501",
    );
    expect(
      await refused(claims("platformAdmin"), `select public.apply_provider_event(${args})`),
    ).toBe("42501");
    expect(await refused(anon, `select public.expire_due_invoices()`)).toBe("42501");
    expect(
      await refused(claims("buyer"), `select public.attach_invoice_receipt($1, 'x')`, [invoiceId]),
    ).toBe("42501");
  });

  it("a checkout RPC refuses someone else's registration and bad carts", async () => {
    const [registration] = await stack.db.sql<{ id: string }>(
      `select id from public.event_registrations where invoice_id = $1`,
      [invoiceId],
    );
    expect(
      await refused(claims("stranger"), `select public.checkout_event_registration($1)`, [
        registration!.id,
      ]),
    ).toBe("PT404");
    expect(
      await refused(claims("buyer"), `select public.checkout_event_registration($1)`, [
        registration!.id,
      ]),
    ).toBe("PT409");
    expect(await refused(claims("buyer"), `select public.checkout_products('[]'::jsonb)`)).toBe(
      "22023",
    );
    expect(
      await refused(claims("buyer"), `select public.checkout_products($1::jsonb)`, [
        JSON.stringify([{ product_id: hiddenProduct }]),
      ]),
    ).toBe("PT404");
    expect(await refused(anon, `select public.checkout_products('[]'::jsonb)`)).toBe("42501");
  });

  it("refunds: the seller's admins and platform admins, not the buyer, staff or other organizations", async () => {
    expect(
      await refused(claims("buyer"), `select public.request_refund($1, 100)`, [invoiceId]),
    ).toBe("42501");
    expect(
      await refused(claims("staff"), `select public.request_refund($1, 100)`, [invoiceId]),
    ).toBe("42501");
    expect(
      await refused(claims("otherAdmin"), `select public.request_refund($1, 100)`, [invoiceId]),
    ).toBe("PT404");
    expect(
      await refused(claims("platformAdmin"), `select public.request_refund($1, 100)`, [invoiceId]),
    ).toBe("allowed");
    expect(
      await refused(claims("admin"), `select public.request_refund($1, 5000)`, [invoiceId]),
    ).toBe("PT409");
  });
});

describe("products", () => {
  it("everyone reads active products and their images; platform admins see all", async () => {
    for (const who of [anon, claims("buyer")]) {
      expect(await visible(who, "products", "id", [activeProduct, hiddenProduct])).toBe(1);
      expect(
        await visible(who, "product_images", "product_id", [activeProduct, hiddenProduct]),
      ).toBe(1);
    }
    expect(
      await visible(claims("platformAdmin"), "products", "id", [activeProduct, hiddenProduct]),
    ).toBe(2);
    expect(
      await visible(claims("platformAdmin"), "product_images", "product_id", [
        activeProduct,
        hiddenProduct,
      ]),
    ).toBe(2);
  });

  it("only platform admins write products and images", async () => {
    const insert = `insert into public.products (sku, name, price_amount, currency) values ('RLS-NEW', 'New', 1, 'USD')`;
    for (const who of ["buyer", "admin"] as const) {
      expect(await refused(claims(who), insert)).toBe("42501");
      const changed = await stack.db.asRole(
        claims(who),
        async (client) =>
          (
            await client.query(`update public.products set price_amount = 1 where id = $1`, [
              activeProduct,
            ])
          ).rowCount,
      );
      expect(changed).toBe(0);
      expect(
        await refused(
          claims(who),
          `insert into public.product_images (product_id, storage_path) values ($1::uuid, $1::text || '/x.jpg')`,
          [activeProduct],
        ),
      ).toBe("42501");
    }
    expect(await refused(anon, insert)).toBe("42501");
    expect(await refused(claims("platformAdmin"), insert)).toBe("allowed");
    expect(
      await refused(
        claims("platformAdmin"),
        `insert into public.products (sku, name, price_amount, currency) values ('RLS-BAD', 'Bad', -1, 'USD')`,
      ),
    ).toBe("23514");
    const changed = await stack.db.asRole(
      claims("platformAdmin"),
      async (client) =>
        (
          await client.query(`update public.products set price_amount = 150 where id = $1`, [
            activeProduct,
          ])
        ).rowCount,
    );
    expect(changed).toBe(1);
  });
});
