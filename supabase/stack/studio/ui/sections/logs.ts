/**
 * The request log's page: the gateway's recent requests, filtered, with new ones arriving live
 * (server-sent events), and "Why?" for a REST request on a table.
 */
import { api, errorBox, h, type SectionView } from "../studio.ts";
import { whyPanel, type Explanation } from "../why.ts";

interface LoggedRequest {
  id: number;
  at: string;
  status: number;
  milliseconds: number;
  role: string;
  method: string;
  path: string;
  explainable: boolean;
}

export const logsView: SectionView = {
  async render(root) {
    const inputs = {
      status: h("input", { id: "filter-status", placeholder: "status (404, 4xx)", size: 12 }),
      role: h("input", { id: "filter-role", placeholder: "role", size: 12 }),
      method: h("input", { id: "filter-method", placeholder: "method", size: 8 }),
      path: h("input", { id: "filter-path", placeholder: "path contains", size: 30 }),
    };
    const live = h("span", { id: "live", "data-live": "false", class: "muted" }, "connecting…");
    const body = h("tbody", { id: "requests" });
    const whyBox = h("div", { id: "why-box" });
    root.append(
      h(
        "div",
        { class: "toolbar" },
        Object.values(inputs),
        h("button", { id: "apply-filter", onclick: () => void start() }, "Filter"),
        live,
      ),
      h(
        "table",
        { class: "grid" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["time", "status", "ms", "role", "method", "path", ""].map((c) => h("th", {}, c)),
          ),
        ),
        body,
      ),
      whyBox,
    );

    const line = (request: LoggedRequest) =>
      h(
        "tr",
        { "data-id": request.id, "data-status": request.status, "data-role": request.role },
        h("td", {}, new Date(request.at).toLocaleTimeString()),
        h("td", {}, request.status),
        h("td", {}, request.milliseconds.toFixed(1)),
        h("td", {}, request.role),
        h("td", {}, request.method),
        h("td", {}, request.path),
        h(
          "td",
          {},
          request.explainable &&
            h("button", { class: "why", onclick: () => void why(request.id) }, "Why?"),
        ),
      );

    async function why(id: number) {
      try {
        whyBox.replaceChildren(whyPanel(await api.get<Explanation>(`/tables/why/request/${id}`)));
      } catch (error) {
        whyBox.replaceChildren(errorBox(error));
      }
    }

    let close: (() => void) | undefined;
    async function start() {
      close?.();
      const query = new URLSearchParams();
      for (const [name, input] of Object.entries(inputs))
        if (input.value) query.set(name, input.value);
      live.dataset.live = "false";
      const requests = await api.get<LoggedRequest[]>(`/logs/requests?${query}`);
      body.replaceChildren(...requests.map(line));
      close = api.events(`/logs/stream?${query}`, {
        ready: () => {
          live.dataset.live = "true";
          live.textContent = "live";
        },
        request: (request) => body.prepend(line(request as LoggedRequest)),
      });
    }
    await start();
    return () => close?.();
  },
};
