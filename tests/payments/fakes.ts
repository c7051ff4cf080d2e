// Local stand-ins for Stripe and Faspay, so the payments suite needs no internet: only the calls
// Pitlane makes, answered as the real APIs answer them, and the providers' webhook signatures.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const stripeSecretKey = "sk_test_pitlane_fake";
export const stripeWebhookSecret = "whsec_pitlane_fake_secret";
export const faspay = {
  merchantId: "31337",
  merchantName: "Pitlane Test",
  userId: "bot31337",
  password: "p@ssw0rd",
};

const randomId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

/** Stripe's form encoding (`a[b][0][c]=1`) back into objects and arrays. */
function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= /^\d+$/.test(path[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

export function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A provider's API on a free loopback port; `url` is set once started. */
export abstract class FakeServer {
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  url = "";

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface StripeRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

type Obj = Record<string, any>;

export class FakeStripe extends FakeServer {
  readonly requests: StripeRequest[] = [];
  readonly sessions = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  /** Set to make the next refunds fail as Stripe does (402 card_error style). */
  refuseRefunds = false;

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, "http://stripe.local");
    const body = await readBody(req);
    const params =
      req.method === "GET" ? Object.fromEntries(url.searchParams) : parseStripeForm(body);
    const hosted = /^\/c\/pay\/([^/]+)$/.exec(url.pathname);
    if (hosted) return this.checkoutPage(req, res, hosted[1]!);
    const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
    this.requests.push({ method: req.method!, path: url.pathname, params, idempotencyKey });
    if (req.headers.authorization !== `Bearer ${stripeSecretKey}`) {
      return send(res, 401, {
        error: { type: "invalid_request_error", message: "Invalid API Key provided" },
      });
    }
    let match: RegExpExecArray | null;
    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      const items = (params.line_items as Obj[]) ?? [];
      const session = {
        id: randomId("cs_test"),
        object: "checkout.session",
        mode: params.mode,
        status: "open",
        payment_status: "unpaid",
        url: "",
        success_url: params.success_url,
        submitted: false,
        client_reference_id: params.client_reference_id ?? null,
        customer_email: params.customer_email ?? null,
        currency: (items[0]?.price_data?.currency as string) ?? "usd",
        amount_total: items.reduce(
          (sum, item) => sum + Number(item.quantity) * Number(item.price_data.unit_amount),
          0,
        ),
        metadata: params.metadata ?? {},
        payment_intent_metadata: (params.payment_intent_data as Obj | undefined)?.metadata ?? {},
        expires_at: Number(params.expires_at),
        payment_intent: null as string | null,
        payment_method_types: ["card"],
        line_items_params: items,
      };
      session.url = `${this.url}/c/pay/${session.id}`;
      this.sessions.set(session.id, session);
      return send(res, 200, session);
    }
    if (
      req.method === "POST" &&
      (match = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(url.pathname))
    ) {
      const session = this.sessions.get(match[1]!);
      if (!session)
        return send(res, 404, {
          error: { type: "invalid_request_error", message: "No such checkout.session" },
        });
      if (session.status !== "open")
        return send(res, 400, {
          error: { type: "invalid_request_error", message: `Session is ${session.status}` },
        });
      session.status = "expired";
      return send(res, 200, session);
    }
    if (req.method === "POST" && url.pathname === "/v1/refunds") {
      if (this.refuseRefunds)
        return send(res, 400, {
          error: { type: "invalid_request_error", message: "Charge has already been refunded." },
        });
      const existing = [...this.refunds.values()].find(
        (refund) => idempotencyKey && refund.idempotency_key === idempotencyKey,
      );
      if (existing) return send(res, 200, existing);
      const refund = {
        id: randomId("re"),
        object: "refund",
        amount: Number(params.amount),
        payment_intent: params.payment_intent,
        charge: `ch_for_${String(params.payment_intent)}`,
        currency: "usd",
        status: "pending",
        metadata: params.metadata ?? {},
        idempotency_key: idempotencyKey,
      };
      this.refunds.set(refund.id, refund);
      return send(res, 200, refund);
    }
    if (req.method === "GET" && url.pathname === "/v1/refunds") {
      const data = [...this.refunds.values()].filter((refund) => refund.charge === params.charge);
      return send(res, 200, { object: "list", data, has_more: false, url: "/v1/refunds" });
    }
    send(res, 404, {
      error: {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${req.method}: ${url.pathname})`,
      },
    });
  }

  /**
   * Stripe Checkout's hosted page, for browser tests: GET shows a Pay button, POST marks the session
   * submitted and sends the payer to its success_url. The test then delivers the webhook (`pay`),
   * as Stripe does on its own time.
   */
  private checkoutPage(req: IncomingMessage, res: ServerResponse, sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session || session.status !== "open") {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<p>This checkout session is no longer open.</p>");
      return;
    }
    if (req.method === "POST") {
      session.submitted = true;
      res.writeHead(303, { location: String(session.success_url) });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(
      `<form method="post"><p>Pay ${session.amount_total} ${session.currency}</p><button id="pay">Pay</button></form>`,
    );
  }

  /** The customer pays a session: the events Stripe then sends, and the PaymentIntent's id. */
  pay(sessionId: string, overrides: { amount?: number } = {}) {
    const session = this.sessions.get(sessionId)!;
    const paymentIntent = randomId("pi");
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = paymentIntent;
    const amount = overrides.amount ?? session.amount_total;
    const completed = stripeEvent("checkout.session.completed", {
      ...session,
      amount_total: amount,
    });
    const succeeded = stripeEvent("payment_intent.succeeded", {
      id: paymentIntent,
      object: "payment_intent",
      amount,
      amount_received: amount,
      currency: session.currency,
      status: "succeeded",
      metadata: session.payment_intent_metadata,
      payment_method_types: ["card"],
    });
    return { paymentIntent, completed, succeeded };
  }

  /** charge.refunded for a payment, listing the given refunds (all succeeded) as Stripe embeds them. */
  chargeRefunded(paymentIntent: string, refunds: Obj[], metadata: Obj = {}) {
    for (const refund of refunds) refund.status = "succeeded";
    const amount_refunded = refunds.reduce((sum, refund) => sum + refund.amount, 0);
    return stripeEvent("charge.refunded", {
      id: `ch_for_${paymentIntent}`,
      object: "charge",
      payment_intent: paymentIntent,
      amount_refunded,
      refunded: true,
      metadata,
      refunds: { object: "list", data: refunds, has_more: false },
    });
  }
}

export function stripeEvent(type: string, object: Obj): Obj {
  return {
    id: randomId("evt"),
    object: "event",
    api_version: "2025-02-24.acacia",
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
  };
}

/** Stripe's signature: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>" with the endpoint secret>`. */
export function stripeSignature(
  payload: string,
  secret = stripeWebhookSecret,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export const faspaySignature = (...parts: Array<string | number>) =>
  createHash("sha1")
    .update(createHash("md5").update(parts.join("")).digest("hex"))
    .digest("hex");

/** Faspay Xpress v4's post-data endpoint, checking the request's signature. */
export class FakeFaspay extends FakeServer {
  readonly requests: Obj[] = [];

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)) || "{}") as Obj;
    this.requests.push(body);
    if (req.method !== "POST" || req.url !== "/v4/post")
      return send(res, 404, { response_code: "99", response_desc: "not found" });
    const expected = faspaySignature(faspay.userId, faspay.password, body.bill_no, body.bill_total);
    if (body.merchant_id !== faspay.merchantId || body.signature !== expected) {
      return send(res, 200, {
        response: "Post Data Transaction",
        response_code: "54",
        response_desc: "Invalid signature",
      });
    }
    const trxId = `${faspay.merchantId}${String(Date.now()).slice(-11)}`.slice(0, 16);
    send(res, 200, {
      response: "Post Data Transaction",
      trx_id: trxId,
      merchant_id: faspay.merchantId,
      merchant: faspay.merchantName,
      bill_no: body.bill_no,
      response_code: "00",
      response_desc: "Success",
      redirect_url: `https://xpress-sandbox.faspay.test/v4/${trxId}`,
    });
  }

  /** A payment notification as Faspay sends it, signed (or not, with `signature`). */
  notification(fields: {
    trx_id: string;
    bill_no: string;
    status: string;
    total: number;
    signature?: string;
  }) {
    return {
      request: "Payment Notification",
      trx_id: fields.trx_id,
      merchant_id: faspay.merchantId,
      merchant: faspay.merchantName,
      bill_no: fields.bill_no,
      payment_reff: "123456789",
      payment_date: "2030-01-01 10:00:00",
      payment_status_code: fields.status,
      payment_status_desc:
        { "2": "Payment Success", "7": "Payment Expired", "3": "Payment Failed" }[fields.status] ??
        "Unknown",
      bill_total: String(fields.total),
      payment_total: String(fields.total),
      payment_channel_uid: "402",
      payment_channel: "Permata Virtual Account",
      signature:
        fields.signature ??
        faspaySignature(faspay.userId, faspay.password, fields.bill_no, fields.status),
    };
  }
}
