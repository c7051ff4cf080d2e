/**
 * Auth: users with search and actions (create, invite, confirm, ban, delete), a user's identities,
 * sessions and audit log, and the stack's inbox beside them.
 */
import { api, confirmAction, errorBox, grid, h, type SectionView } from "../studio.ts";

interface User {
  id: string;
  email?: string;
  created_at?: string;
  last_sign_in_at?: string | null;
  email_confirmed_at?: string | null;
  banned_until?: string | null;
  identities?: {
    provider: string;
    identity_id?: string;
    id?: string;
    created_at?: string;
    email?: string;
  }[];
}

interface UserList {
  users: User[];
  page: number;
  perPage: number;
  total: number;
}

interface Details {
  user: User;
  sessions: Record<string, unknown>[];
  audit: Record<string, unknown>[];
}

interface InboxList {
  url: string;
  messages: { id: string; subject: string; to: string; created: string; snippet: string }[];
}

const isBanned = (user: User) =>
  Boolean(user.banned_until && Date.parse(user.banned_until) > Date.now());

export const authView: SectionView = {
  render(root) {
    let query = "";
    let page = 1;
    let selected: User | undefined;
    const message = h("div", { id: "auth-message", role: "status" });
    const users = h("div", { id: "auth-users" });
    const details = h("div", { id: "auth-details" });
    const inbox = h("aside", { id: "auth-inbox" });

    const report = (text: string) => message.replaceChildren(h("p", {}, text));
    const fail = (error: unknown) => message.replaceChildren(errorBox(error));

    async function act(work: () => Promise<string>): Promise<void> {
      try {
        report(await work());
        await load();
      } catch (error) {
        fail(error);
      }
    }

    /** Loads started since: an older answer arriving late must not replace a newer search's. */
    let loads = 0;

    async function load(): Promise<void> {
      const params = new URLSearchParams({ q: query, page: String(page) });
      const current = ++loads;
      const list = await api.get<UserList>(`/auth/users?${params}`);
      if (current !== loads) return;
      const rows = list.users.map((user) => ({
        email: user.email ?? "",
        id: user.id,
        created: user.created_at ?? null,
        "last sign-in": user.last_sign_in_at ?? null,
        confirmed: user.email_confirmed_at ?? null,
        "banned until": isBanned(user) ? user.banned_until! : null,
      }));
      const table = grid(Object.keys(rows[0] ?? { email: "" }), rows, (_row, i) => {
        const user = list.users[i]!;
        return [
          h("button", { "data-action": "details", onclick: () => void open(user) }, "Details"),
          !user.email_confirmed_at &&
            h(
              "button",
              {
                "data-action": "confirm",
                onclick: () =>
                  act(async () => {
                    await api.post(`/auth/users/${user.id}/confirm`);
                    return `Confirmed ${user.email}`;
                  }),
              },
              "Confirm",
            ),
          isBanned(user)
            ? h(
                "button",
                {
                  "data-action": "unban",
                  onclick: () =>
                    act(async () => {
                      await api.post(`/auth/users/${user.id}/ban`, { duration: "none" });
                      return `Lifted the ban on ${user.email}`;
                    }),
                },
                "Unban",
              )
            : h(
                "button",
                {
                  "data-action": "ban",
                  onclick: () =>
                    act(async () => {
                      const duration = banDuration.value.trim() || "24h";
                      await api.post(`/auth/users/${user.id}/ban`, { duration });
                      return `Banned ${user.email} for ${duration}`;
                    }),
                },
                "Ban",
              ),
          h(
            "button",
            {
              "data-action": "delete",
              onclick: async () => {
                if (!(await confirmAction(`Delete the user ${user.email}? This cannot be undone.`)))
                  return;
                await act(async () => {
                  await api.delete(`/auth/users/${user.id}`);
                  if (selected?.id === user.id) details.replaceChildren();
                  return `Deleted ${user.email}`;
                });
              },
            },
            "Delete",
          ),
        ];
      });
      table.querySelectorAll("tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.userId = list.users[i]!.id;
        (row as HTMLElement).dataset.email = list.users[i]!.email ?? "";
      });
      const pages = Math.max(1, Math.ceil(list.total / list.perPage));
      users.replaceChildren(
        h("p", { class: "muted", "data-total": list.total }, `${list.total} users`),
        table,
        h(
          "div",
          { class: "toolbar" },
          h(
            "button",
            { disabled: page <= 1, onclick: () => ((page -= 1), void load()) },
            "Previous",
          ),
          `page ${page} of ${pages}`,
          h(
            "button",
            { disabled: page >= pages, onclick: () => ((page += 1), void load()) },
            "Next",
          ),
        ),
      );
      if (selected)
        await open(list.users.find((user) => user.id === selected!.id) ?? selected, false);
    }

    async function open(user: User, showInbox = true): Promise<void> {
      selected = user;
      try {
        const found = await api.get<Details>(`/auth/users/${user.id}`);
        const identities = (found.user.identities ?? []).map((identity) => ({
          provider: identity.provider,
          id: identity.identity_id ?? identity.id ?? "",
          email: identity.email ?? null,
          created: identity.created_at ?? null,
        }));
        details.replaceChildren(
          h("h3", {}, found.user.email ?? found.user.id),
          h("h4", {}, "Identities"),
          h(
            "div",
            { id: "auth-identities" },
            grid(["provider", "id", "email", "created"], identities),
          ),
          h("h4", {}, "Sessions"),
          h(
            "div",
            { id: "auth-sessions" },
            grid(["id", "created_at", "refreshed_at", "aal", "user_agent", "ip"], found.sessions),
          ),
          h("h4", {}, "Audit log"),
          h(
            "div",
            { id: "auth-audit" },
            grid(["created_at", "action", "actor", "ip_address"], found.audit),
          ),
        );
      } catch (error) {
        details.replaceChildren(errorBox(error));
      }
      if (showInbox) await loadInbox(user.email ?? "");
    }

    let inboxLoads = 0;

    async function loadInbox(email: string): Promise<void> {
      const current = ++inboxLoads;
      try {
        const list = await api.get<InboxList>(`/auth/inbox?email=${encodeURIComponent(email)}`);
        if (current !== inboxLoads) return;
        const body = h("div", { id: "auth-mail" });
        inbox.replaceChildren(
          h("h3", {}, "Inbox"),
          h(
            "p",
            { class: "muted" },
            email ? `Mail to ${email}. ` : "All mail. ",
            h("a", { href: list.url, target: "_blank", rel: "noopener" }, "Open the inbox"),
          ),
          h(
            "ul",
            { id: "auth-messages" },
            list.messages.map((mail) =>
              h(
                "li",
                { "data-message-id": mail.id },
                h(
                  "a",
                  {
                    href: "#",
                    onclick: async (event: Event) => {
                      event.preventDefault();
                      const full = await api.get<{ subject: string; html: string; text: string }>(
                        `/auth/inbox/${mail.id}`,
                      );
                      // The mail's HTML in a sandbox: no scripts, no access to the console's page.
                      body.replaceChildren(
                        h("h4", {}, full.subject),
                        h("iframe", {
                          sandbox: "",
                          srcdoc:
                            full.html ||
                            `<pre>${full.text.replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"))}</pre>`,
                          style: "width: 100%; height: 20rem; border: 1px solid #d0d7de",
                        }),
                      );
                    },
                  },
                  mail.subject,
                ),
                h(
                  "span",
                  { class: "muted" },
                  ` to ${mail.to}, ${new Date(mail.created).toLocaleString()}`,
                ),
              ),
            ),
          ),
          list.messages.length === 0 ? h("p", { class: "muted" }, "No mail.") : "",
          body,
        );
      } catch (error) {
        inbox.replaceChildren(errorBox(error));
      }
    }

    const search = h("input", {
      id: "auth-search",
      type: "search",
      placeholder: "Search by email or name",
    });
    const newEmail = h("input", { id: "auth-new-email", type: "email", placeholder: "email" });
    const newPassword = h("input", {
      id: "auth-new-password",
      type: "password",
      placeholder: "password (optional)",
    });
    const autoConfirm = h("input", { id: "auth-new-confirm", type: "checkbox", checked: true });
    const inviteEmail = h("input", {
      id: "auth-invite-email",
      type: "email",
      placeholder: "email",
    });
    const banDuration = h("input", {
      id: "auth-ban-duration",
      value: "24h",
      size: 6,
      title: "Ban duration (Go duration)",
    });

    root.append(
      h(
        "form",
        {
          class: "toolbar",
          id: "auth-search-form",
          onsubmit: (event: Event) => {
            event.preventDefault();
            query = search.value.trim();
            page = 1;
            void load().catch(fail);
          },
        },
        search,
        h("button", { type: "submit" }, "Search"),
        h("label", {}, "Ban for ", banDuration),
      ),
      h(
        "form",
        {
          class: "toolbar",
          id: "auth-create",
          onsubmit: (event: Event) => {
            event.preventDefault();
            void act(async () => {
              await api.post("/auth/users", {
                email: newEmail.value.trim(),
                password: newPassword.value || undefined,
                confirm: autoConfirm.checked,
              });
              const text = `Created ${newEmail.value.trim()}`;
              newEmail.value = newPassword.value = "";
              return text;
            });
          },
        },
        "New user ",
        newEmail,
        newPassword,
        h("label", {}, autoConfirm, " confirmed"),
        h("button", { type: "submit" }, "Create user"),
      ),
      h(
        "form",
        {
          class: "toolbar",
          id: "auth-invite",
          onsubmit: (event: Event) => {
            event.preventDefault();
            const email = inviteEmail.value.trim();
            void act(async () => {
              await api.post("/auth/invite", { email });
              inviteEmail.value = "";
              await loadInbox(email);
              return `Invited ${email}`;
            });
          },
        },
        "Invite ",
        inviteEmail,
        h("button", { type: "submit" }, "Send invitation"),
      ),
      message,
      h(
        "div",
        {
          style: "display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.5rem",
        },
        h("div", {}, users, details),
        inbox,
      ),
    );
    return Promise.all([load(), loadInbox("")]).then(() => undefined);
  },
};
