/**
 * The SQL editor's page: a script run as the chosen caller, each statement's result as a grid,
 * an error pointed at its line and column, Cancel while it runs, the history and saved snippets.
 */
import { asPicker } from "../as-picker.ts";
import { api, ApiError, confirmAction, errorBox, h, type SectionView } from "../studio.ts";

interface Result {
  command: string;
  rowCount: number | null;
  columns: string[];
  rows: (string | null)[][];
  truncated: boolean;
}

export const sqlView: SectionView = {
  render(root) {
    const editor = h("textarea", {
      id: "sql",
      rows: 10,
      cols: 90,
      spellcheck: "false",
      style: "font-family:monospace",
    });
    editor.value = "select now();";
    const as = asPicker(() => undefined);
    const run = h("button", { id: "run", onclick: () => void execute() }, "Run");
    const cancel = h(
      "button",
      { id: "cancel", disabled: true, onclick: () => void stop() },
      "Cancel",
    );
    const output = h("div", { id: "results" });
    const history = h("ol", { id: "history" });
    const snippets = h("ul", { id: "snippets" });
    const snippetName = h("input", { id: "snippet-name", placeholder: "snippet name" });
    let runId = "";

    root.append(
      h("div", { class: "toolbar" }, as.element, run, cancel),
      editor,
      h(
        "div",
        { class: "toolbar" },
        snippetName,
        h("button", { id: "save-snippet", onclick: () => void saveSnippet() }, "Save snippet"),
      ),
      output,
      h("h3", {}, "Snippets"),
      snippets,
      h("h3", {}, "History"),
      history,
    );

    async function execute() {
      runId = crypto.randomUUID();
      run.disabled = true;
      cancel.disabled = false;
      output.replaceChildren(h("p", { class: "muted", id: "running" }, "Running…"));
      try {
        const answer = await api.post<{ results: Result[]; milliseconds: number }>("/sql/run", {
          sql: editor.value,
          as: as.value(),
          runId,
        });
        output.replaceChildren(
          h("p", { class: "muted", id: "timing" }, `${answer.milliseconds.toFixed(1)} ms`),
          ...answer.results.map((result, i) =>
            h(
              "div",
              { class: "result", "data-result": i },
              h(
                "p",
                { class: "muted" },
                `${result.command ?? ""} ${result.rowCount ?? ""}${result.truncated ? " (first 1,000 rows)" : ""}`,
              ),
              result.columns.length > 0 &&
                h(
                  "table",
                  { class: "grid" },
                  h(
                    "tr",
                    {},
                    result.columns.map((name) => h("th", {}, name)),
                  ),
                  result.rows.map((row) =>
                    h(
                      "tr",
                      {},
                      row.map((value) =>
                        h("td", {}, value === null ? h("span", { class: "null" }, "NULL") : value),
                      ),
                    ),
                  ),
                ),
            ),
          ),
        );
      } catch (error) {
        output.replaceChildren(errorBox(error), where(error));
      } finally {
        run.disabled = false;
        cancel.disabled = true;
        await drawHistory();
      }
    }

    /** The failing line with a caret under the column PostgreSQL reported. */
    function where(error: unknown): Node | string {
      if (!(error instanceof ApiError) || typeof error.body.line !== "number") return "";
      const line = error.body.line;
      const column = Number(error.body.column);
      const text = editor.value.split("\n")[line - 1] ?? "";
      return h(
        "pre",
        { id: "error-position", "data-line": line, "data-column": column },
        `line ${line}, column ${column}:\n${text}\n${" ".repeat(Math.max(0, column - 1))}^`,
      );
    }

    async function stop() {
      await api.post("/sql/cancel", { runId }).catch(() => undefined);
    }

    async function drawHistory() {
      const entries =
        await api.get<{ at: string; sql: string; as: string; ok: boolean; milliseconds: number }[]>(
          "/sql/history",
        );
      history.replaceChildren(
        ...entries
          .slice(0, 50)
          .map((entry) =>
            h(
              "li",
              { "data-ok": String(entry.ok) },
              h("button", { class: "load", onclick: () => (editor.value = entry.sql) }, "Load"),
              ` ${entry.ok ? "✓" : "✗"} ${entry.as} `,
              h("code", {}, entry.sql.slice(0, 120)),
            ),
          ),
      );
    }

    async function drawSnippets() {
      const saved = await api.get<Record<string, string>>("/sql/snippets");
      snippets.replaceChildren(
        ...Object.entries(saved).map(([name, sql]) =>
          h(
            "li",
            { "data-snippet": name },
            h("button", { class: "load", onclick: () => (editor.value = sql) }, name),
            h(
              "button",
              {
                class: "delete",
                onclick: async () => {
                  if (!(await confirmAction(`Delete the snippet "${name}"?`))) return;
                  await api.delete(`/sql/snippets/${encodeURIComponent(name)}`);
                  await drawSnippets();
                },
              },
              "Delete",
            ),
          ),
        ),
      );
    }

    async function saveSnippet() {
      const name = snippetName.value.trim();
      if (!name) return;
      await api.put(`/sql/snippets/${encodeURIComponent(name)}`, { sql: editor.value });
      await drawSnippets();
    }

    void drawHistory();
    void drawSnippets();
  },
};
