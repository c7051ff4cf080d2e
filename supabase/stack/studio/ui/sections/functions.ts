/**
 * Cron, webhooks and functions: pg_cron jobs and their runs, Database Webhooks, pg_net's requests
 * and responses, and edge functions with their recent invocations and log lines, live.
 */
import { api, confirmAction, errorBox, grid, h, type SectionView } from "../studio.ts";

interface Job {
  jobid: number;
  jobname: string | null;
  schedule: string;
  command: string;
  username: string;
  active: boolean;
  last_status: string | null;
  last_start: string | null;
}

interface Webhook {
  name: string;
  schema: string;
  table: string;
  events: string[];
  enabled: boolean;
  url: string;
  method: string;
  timeoutMs: number | null;
}

interface Invocation {
  at: string;
  function: string;
  method: string;
  path: string;
  status: number;
  milliseconds: number;
}

interface LogLine {
  at: string;
  function: string;
  line: string;
}

const tabs = ["cron", "webhooks", "net", "functions"] as const;
type Tab = (typeof tabs)[number];
const tabTitles: Record<Tab, string> = {
  cron: "Cron jobs",
  webhooks: "Database Webhooks",
  net: "pg_net requests",
  functions: "Edge functions",
};

export const functionsView: SectionView = {
  render(root, route) {
    const message = h("div", { id: "fn-message", role: "status" });
    const panel = h("div", { id: "fn-panel" });
    const fail = (error: unknown) => message.replaceChildren(errorBox(error));
    let stopLive: (() => void) | undefined;

    async function cron(): Promise<void> {
      const jobs = await api.get<Job[]>("/functions/cron");
      const runs = h("div", { id: "cron-runs" });
      const table = grid(
        [
          "jobid",
          "jobname",
          "schedule",
          "command",
          "username",
          "active",
          "last_status",
          "last_start",
        ],
        jobs as unknown as Record<string, unknown>[],
        (_row, i) => {
          const job = jobs[i]!;
          return [
            h(
              "button",
              {
                "data-action": "runs",
                onclick: async () => {
                  const list = await api.get<Record<string, unknown>[]>(
                    `/functions/cron/${job.jobid}/runs`,
                  );
                  runs.replaceChildren(
                    h("h3", {}, `Runs of ${job.jobname ?? job.jobid}`),
                    grid(
                      [
                        "runid",
                        "status",
                        "return_message",
                        "start_time",
                        "end_time",
                        "milliseconds",
                      ],
                      list,
                    ),
                    list.length === 0 ? h("p", { class: "muted" }, "No runs yet.") : "",
                  );
                },
              },
              "Runs",
            ),
            h(
              "button",
              {
                "data-action": job.active ? "pause" : "resume",
                onclick: async () => {
                  try {
                    await api.post(`/functions/cron/${job.jobid}/active`, { active: !job.active });
                    await show("cron");
                  } catch (error) {
                    fail(error);
                  }
                },
              },
              job.active ? "Pause" : "Resume",
            ),
          ];
        },
      );
      table.querySelectorAll("tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.job = jobs[i]!.jobname ?? String(jobs[i]!.jobid);
      });
      panel.replaceChildren(
        table,
        jobs.length === 0 ? h("p", { class: "muted" }, "No cron jobs.") : "",
        runs,
      );
    }

    async function webhooks(): Promise<void> {
      const hooks = await api.get<Webhook[]>("/functions/webhooks");
      const rows = hooks.map((hook) => ({
        name: hook.name,
        table: `${hook.schema}.${hook.table}`,
        events: hook.events.join(", "),
        method: hook.method,
        url: hook.url,
        timeout: hook.timeoutMs,
        enabled: hook.enabled,
      }));
      const table = grid(
        ["name", "table", "events", "method", "url", "timeout", "enabled"],
        rows,
        (_row, i) => {
          const hook = hooks[i]!;
          return [
            h(
              "button",
              {
                "data-action": "delete",
                onclick: async () => {
                  if (
                    !(await confirmAction(
                      `Delete the webhook ${hook.name} on ${hook.schema}.${hook.table}?`,
                    ))
                  )
                    return;
                  try {
                    await api.delete(
                      `/functions/webhooks/${encodeURIComponent(hook.schema)}/${encodeURIComponent(hook.table)}/${encodeURIComponent(hook.name)}`,
                    );
                    await show("webhooks");
                  } catch (error) {
                    fail(error);
                  }
                },
              },
              "Delete",
            ),
          ];
        },
      );
      table.querySelectorAll("tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.webhook = hooks[i]!.name;
      });
      const field = (id: string, attributes: Record<string, unknown> = {}) =>
        h("input", { id, ...attributes });
      const name = field("hook-name", { placeholder: "name", required: true });
      const target = field("hook-table", { placeholder: "schema.table", required: true });
      const url = field("hook-url", {
        placeholder: "http://127.0.0.1:54321/functions/v1/…",
        size: 40,
        required: true,
      });
      const events = (["INSERT", "UPDATE", "DELETE"] as const).map((event) =>
        h("input", {
          type: "checkbox",
          value: event,
          "data-event": event,
          checked: event === "INSERT",
        }),
      );
      const method = h(
        "select",
        { id: "hook-method" },
        h("option", {}, "POST"),
        h("option", {}, "GET"),
      );
      const timeout = field("hook-timeout", { type: "number", value: 5000, min: 1, max: 10000 });
      panel.replaceChildren(
        h(
          "form",
          {
            class: "toolbar",
            id: "hook-create",
            onsubmit: async (event: Event) => {
              event.preventDefault();
              const [schema, table] = target.value.includes(".")
                ? target.value.split(".", 2)
                : ["public", target.value];
              try {
                await api.post("/functions/webhooks", {
                  name: name.value.trim(),
                  schema: schema!.trim(),
                  table: table!.trim(),
                  events: events.filter((box) => box.checked).map((box) => box.value),
                  url: url.value.trim(),
                  method: method.value,
                  timeoutMs: Number(timeout.value),
                });
                await show("webhooks");
              } catch (error) {
                fail(error);
              }
            },
          },
          name,
          target,
          events.map((box) => h("label", {}, box, ` ${box.value}`)),
          method,
          url,
          h("label", {}, "timeout (ms) ", timeout),
          h("button", { type: "submit" }, "Create webhook"),
        ),
        table,
        hooks.length === 0 ? h("p", { class: "muted" }, "No Database Webhooks.") : "",
      );
    }

    async function net(): Promise<void> {
      const { queued, responses } = await api.get<{
        queued: Record<string, unknown>[];
        responses: Record<string, unknown>[];
      }>("/functions/net");
      panel.replaceChildren(
        h("h3", {}, "Queued"),
        h(
          "div",
          { id: "net-queued" },
          grid(["id", "method", "url", "timeout_milliseconds"], queued),
        ),
        h("h3", {}, "Responses"),
        h(
          "div",
          { id: "net-responses" },
          grid(
            [
              "id",
              "created",
              "status_code",
              "hook",
              "content_type",
              "timed_out",
              "error_msg",
              "content",
            ],
            responses,
          ),
        ),
      );
      panel.querySelectorAll("#net-responses tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.requestId = String(responses[i]!.id);
      });
    }

    async function functions(selected = route[1]): Promise<void> {
      const list =
        await api.get<{ name: string; invocations: number; last: Invocation | null }[]>(
          "/functions/functions",
        );
      const invocations = h("div", { id: "fn-invocations" });
      const logs = h("ol", { id: "fn-logs", reversed: true });
      const invocationRow = (event: Invocation) =>
        h(
          "tr",
          { "data-status": event.status },
          [
            new Date(event.at).toLocaleTimeString(),
            event.method,
            event.path,
            event.status,
            `${event.milliseconds.toFixed(0)} ms`,
          ].map((cell) => h("td", {}, cell)),
        );
      const logRow = (event: LogLine) =>
        h("li", {}, h("code", {}, `${new Date(event.at).toLocaleTimeString()} ${event.line}`));
      const body = h("tbody");

      async function open(name: string): Promise<void> {
        selected = name;
        const found = await api.get<{ invocations: Invocation[]; logs: LogLine[] }>(
          `/functions/functions/${encodeURIComponent(name)}`,
        );
        body.replaceChildren(...found.invocations.map(invocationRow));
        invocations.replaceChildren(
          h("h3", {}, `${name}: invocations`),
          h(
            "table",
            { class: "grid" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["time", "method", "path", "status", "duration"].map((t) => h("th", {}, t)),
              ),
            ),
            body,
          ),
          h("h3", {}, "Logs"),
        );
        logs.replaceChildren(...found.logs.map(logRow));
        invocations.dataset.function = name;
      }

      const names = grid(
        ["name", "invocations", "last status", "last duration"],
        list.map((fn) => ({
          name: fn.name,
          invocations: fn.invocations,
          "last status": fn.last?.status ?? null,
          "last duration": fn.last ? `${fn.last.milliseconds.toFixed(0)} ms` : null,
        })),
        (_row, i) => [
          h(
            "button",
            { "data-action": "open", onclick: () => void open(list[i]!.name).catch(fail) },
            "Invocations & logs",
          ),
        ],
      );
      names.querySelectorAll("tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.function = list[i]!.name;
      });
      panel.replaceChildren(names, invocations, logs);
      stopLive = api.events("/functions/live", {
        invocation(data) {
          const event = data as Invocation;
          if (event.function === selected) body.prepend(invocationRow(event));
        },
        log(data) {
          const event = data as LogLine;
          if (event.function === selected) logs.prepend(logRow(event));
        },
      });
      if (selected) await open(selected);
    }

    const views: Record<Tab, () => Promise<void>> = { cron, webhooks, net, functions };
    const buttons = tabs.map((tab) =>
      h(
        "button",
        { type: "button", "data-tab": tab, onclick: () => void show(tab) },
        tabTitles[tab],
      ),
    );

    async function show(tab: Tab): Promise<void> {
      stopLive?.();
      stopLive = undefined;
      message.replaceChildren();
      for (const button of buttons)
        button.toggleAttribute("aria-pressed", button.dataset.tab === tab);
      panel.dataset.tab = tab;
      delete panel.dataset.ready;
      try {
        await views[tab]();
      } catch (error) {
        panel.replaceChildren(errorBox(error));
      }
      panel.dataset.ready = "true";
    }

    root.append(
      h(
        "div",
        { class: "toolbar" },
        buttons,
        h(
          "button",
          {
            type: "button",
            id: "fn-refresh",
            onclick: () => void show((panel.dataset.tab as Tab) ?? "cron"),
          },
          "Refresh",
        ),
      ),
      message,
      panel,
    );
    const first = tabs.includes(route[0] as Tab) ? (route[0] as Tab) : "cron";
    return show(first).then(() => () => stopLive?.());
  },
};
