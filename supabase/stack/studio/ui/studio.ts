/**
 * What every section's page code is given: the console's API (same origin, the CSRF token on
 * every request that changes something), a confirmation before destructive actions, and small DOM
 * helpers so sections look alike.
 */

/** An answer other than 2xx: the server's message, and where PostgreSQL reports one, the position. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

const csrfToken =
  document.querySelector<HTMLMetaElement>('meta[name="studio-csrf"]')?.content ?? "";

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal) {
  const response = await fetch(`/api${path}`, {
    method,
    signal,
    headers: {
      "x-studio-csrf": csrfToken,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) {
    const error = answer as Record<string, unknown>;
    throw new ApiError(response.status, String(error.message ?? response.statusText), error);
  }
  return answer as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => call<T>("GET", path, undefined, signal),
  post: <T>(path: string, body?: unknown, signal?: AbortSignal) =>
    call<T>("POST", path, body ?? {}, signal),
  patch: <T>(path: string, body: unknown) => call<T>("PATCH", path, body),
  put: <T>(path: string, body: unknown) => call<T>("PUT", path, body),
  delete: <T>(path: string, body?: unknown) => call<T>("DELETE", path, body ?? {}),
  /** Server-sent events from `path`; returns the close. */
  events(path: string, on: Record<string, (data: unknown) => void>): () => void {
    const source = new EventSource(`/api${path}`);
    for (const [event, handler] of Object.entries(on))
      source.addEventListener(event, (message) =>
        handler(JSON.parse((message as MessageEvent<string>).data)),
      );
    return () => source.close();
  },
};

/** Asks before a destructive action, in the page's own dialog (#confirm-ok / #confirm-cancel). */
export function confirmAction(message: string): Promise<boolean> {
  const dialog = document.getElementById("confirm") as HTMLDialogElement;
  document.getElementById("confirm-message")!.textContent = message;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }),
  );
}

type Child = Node | string | number | null | undefined | false;

/** `h("button", { onclick, class: "x" }, "Save")`: an element with attributes, listeners, children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, unknown> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function")
      element.addEventListener(name.slice(2), value as EventListener);
    else if (name === "value" && "value" in element)
      (element as HTMLInputElement).value = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A cell's text: null shown as NULL, objects and arrays as JSON. */
export function cellText(value: unknown): Node {
  if (value === null || value === undefined) return h("span", { class: "null" }, "NULL");
  return document.createTextNode(typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** Rows as a grid; `extra` adds cells (actions) at the end of each row. */
export function grid(
  columns: string[],
  rows: Record<string, unknown>[],
  extra?: (row: Record<string, unknown>, index: number) => Child[],
): HTMLTableElement {
  return h(
    "table",
    { class: "grid" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((name) => h("th", {}, name)),
        extra && h("th", {}),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row, i) =>
        h(
          "tr",
          { "data-row": i },
          columns.map((name) => h("td", { "data-column": name }, cellText(row[name]))),
          extra && h("td", {}, extra(row, i)),
        ),
      ),
    ),
  );
}

/** An error's message in the section's error area. */
export function errorBox(error: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, (error as Error).message);
}

/** A section's page code: draws into `root`; may return a cleanup run when the user leaves it. */
export interface SectionView {
  render(root: HTMLElement, route: string[]): void | (() => void) | Promise<void | (() => void)>;
}
