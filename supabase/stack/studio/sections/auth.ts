/**
 * Auth, as the dashboard's Authentication page: users with search, create, invite, confirm, ban
 * and delete through the auth admin API (with the service key, here on the server), a user's
 * identities, sessions and audit log from the `auth` schema, and the stack's inbox beside it.
 */
import { z } from "zod";
import { gateway, gatewayResponse } from "../gateway.ts";
import { parse } from "../input.ts";
import { StudioError, type Section, type StudioContext } from "../section.ts";

const perPage = 50;

const uuid = z.uuid({ error: "is not a user id" });

const listQuery = z.object({
  q: z.string().max(200).default(""),
  page: z.coerce.number().int().min(1).default(1),
});

const newUser = z.object({
  email: z.email(),
  /** Without one, auth gives the user a random password: they sign in by link or reset it. */
  password: z.string().min(1).optional(),
  confirm: z.boolean().default(true),
});

const invitation = z.object({ email: z.email() });

/** A Go duration as the admin API takes it ("24h", "30m"), or "none" to lift a ban. */
const ban = z.object({
  duration: z.string().regex(/^(none|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/, {
    error: 'is not a duration such as "24h" or "none"',
  }),
});

interface AdminUser {
  id: string;
  email?: string;
  [field: string]: unknown;
}

interface InboxSummary {
  ID: string;
  Subject: string;
  To: { Address: string }[];
  Created: string;
  Snippet: string;
}

const userPath = (id: string) => `/auth/v1/admin/users/${encodeURIComponent(id)}`;

async function inbox<T>(ctx: StudioContext, path: string): Promise<T> {
  const response = await fetch(`${ctx.inboxUrl}${path}`);
  if (response.status === 404) throw new StudioError(404, "no such message in the inbox");
  if (!response.ok) throw new StudioError(502, `the inbox answered ${response.status}`);
  return (await response.json()) as T;
}

export function authSection(ctx: StudioContext): Section {
  return {
    id: "auth",
    title: "Auth",
    routes: {
      async "GET /users"({ query }) {
        const { q, page } = parse(listQuery, Object.fromEntries(query));
        const params = new URLSearchParams({
          page: String(page),
          per_page: String(perPage),
          filter: q,
        });
        const response = await gatewayResponse(ctx, `/auth/v1/admin/users?${params}`);
        const { users } = (await response.json()) as { users: AdminUser[] };
        return { users, page, perPage, total: Number(response.headers.get("x-total-count")) };
      },

      async "POST /users"({ body }) {
        const { email, password, confirm } = parse(newUser, body);
        return gateway(ctx, "/auth/v1/admin/users", {
          method: "POST",
          body: { email, password, email_confirm: confirm },
        });
      },

      async "POST /invite"({ body }) {
        const { email } = parse(invitation, body);
        return gateway(ctx, "/auth/v1/invite", { method: "POST", body: { email } });
      },

      async "GET /users/:id"({ params }) {
        const id = parse(uuid, params.id);
        const user = await gateway<AdminUser>(ctx, userPath(id));
        const [sessions, audit] = await Promise.all([
          ctx.db.query(
            `select id, created_at, updated_at, refreshed_at, not_after, aal, user_agent, host(ip) as ip
               from auth.sessions where user_id = $1 order by created_at desc limit 100`,
            [id],
          ),
          // The user's own actions, and the admin's actions on them (which name the user as a trait).
          ctx.db.query(
            `select id, created_at, ip_address, payload ->> 'action' as action,
                    payload ->> 'actor_username' as actor, payload ->> 'log_type' as log_type
               from auth.audit_log_entries
              where payload ->> 'actor_id' = $1 or payload -> 'traits' ->> 'user_id' = $1
              order by created_at desc limit 100`,
            [id],
          ),
        ]);
        return { user, sessions: sessions.rows, audit: audit.rows };
      },

      async "POST /users/:id/confirm"({ params }) {
        const id = parse(uuid, params.id);
        return gateway(ctx, userPath(id), { method: "PUT", body: { email_confirm: true } });
      },

      async "POST /users/:id/ban"({ params, body }) {
        const id = parse(uuid, params.id);
        const { duration } = parse(ban, body);
        return gateway(ctx, userPath(id), { method: "PUT", body: { ban_duration: duration } });
      },

      async "DELETE /users/:id"({ params }) {
        const id = parse(uuid, params.id);
        await gateway(ctx, userPath(id), { method: "DELETE" });
        return { deleted: id };
      },

      /** The inbox's messages to an address (all without one); the inbox itself is a link away. */
      async "GET /inbox"({ query }) {
        const email = query.get("email") ?? "";
        const path = email
          ? `/api/v1/search?limit=50&query=${encodeURIComponent(`to:"${email}"`)}`
          : "/api/v1/messages?limit=50";
        const { messages } = await inbox<{ messages: InboxSummary[] }>(ctx, path);
        return {
          url: ctx.inboxUrl,
          messages: messages.map(({ ID, Subject, To, Created, Snippet }) => ({
            id: ID,
            subject: Subject,
            to: To.map((address) => address.Address).join(", "),
            created: Created,
            snippet: Snippet,
          })),
        };
      },

      async "GET /inbox/:id"({ params }) {
        const message = await inbox<{ Subject: string; HTML: string; Text: string }>(
          ctx,
          `/api/v1/message/${encodeURIComponent(params.id!)}`,
        );
        return { subject: message.Subject, html: message.HTML, text: message.Text };
      },
    },
  };
}
