/**
 * The table editor's page: `#/tables/<schema>/<name>`. Relations of a schema on the left; on the
 * right a relation's rows as the chosen caller, filters, sorts (click a header), keyset pages
 * (the cursors of the pages before are kept for "Previous"), a row form with inputs by type, and
 * its definition, indexes, policies and grants.
 */
import { asPicker } from "../as-picker.ts";
import {
  api,
  ApiError,
  cellText,
  confirmAction,
  errorBox,
  grid,
  h,
  type SectionView,
} from "../studio.ts";
import type { Column, Meta as RelationMeta } from "../../sections/tables.ts";
import { whyPanel, type Explanation } from "../why.ts";

interface Meta extends RelationMeta {
  definition: string;
  indexes: { name: string; definition: string }[];
  policies: Record<string, unknown>[];
  grants: { grantee: string; privileges: string }[];
  rls: { enabled: boolean; forced: boolean };
}

type Row = Record<string, string | null>;

interface Page {
  columns: string[];
  rows: Row[];
  next: (string | null)[] | null;
  estimate: number | null;
  visible: number | null;
  visibleAtLeast: number;
}

interface Filter {
  column: string;
  op: string;
  value?: string;
}

const operators = ["eq", "neq", "lt", "lte", "gt", "gte", "like", "ilike", "is_null", "not_null"];

/** A one-dimensional array literal as PostgreSQL prints it ({a,"b c",NULL}) → its elements. */
export function parseArray(text: string): (string | null)[] {
  const inner = text.replace(/^\{|\}$/g, "");
  const items: (string | null)[] = [];
  let i = 0;
  while (i < inner.length) {
    if (inner[i] === '"') {
      let value = "";
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === "\\") i++;
        value += inner[i++];
      }
      items.push(value);
      i += 2;
    } else {
      const end = inner.indexOf(",", i);
      const value = inner.slice(i, end === -1 ? inner.length : end);
      items.push(value === "NULL" ? null : value);
      i = end === -1 ? inner.length : end + 1;
    }
  }
  return items;
}

const isTimestamp = (column: Column) => /^timestamp/.test(column.type);

/** The input for a column's value, by type; `read()` gives what the server takes. */
function fieldFor(meta: Meta, column: Column, current: string | null | undefined) {
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  const attributes = { name: column.name, "data-type": column.type };
  if (column.enum_values) {
    input = h(
      "select",
      attributes,
      h("option", { value: "" }, ""),
      column.enum_values.map((label) => h("option", { value: label }, label)),
    );
  } else if (column.type === "boolean") {
    input = h(
      "select",
      attributes,
      ["", "true", "false"].map((v) => h("option", { value: v }, v)),
    );
  } else if (column.type === "json" || column.type === "jsonb") {
    input = h("textarea", { ...attributes, rows: 3, cols: 40 });
  } else if (column.is_array) {
    input = h("textarea", { ...attributes, rows: 3, cols: 30, placeholder: "one element a line" });
  } else if (isTimestamp(column)) {
    input = h("input", { ...attributes, type: "datetime-local", step: "0.001" });
  } else if (column.type === "date") {
    input = h("input", { ...attributes, type: "date" });
  } else {
    input = h("input", { ...attributes, size: 36 });
  }
  if (current !== undefined && current !== null) {
    if (column.is_array) input.value = parseArray(current).join("\n");
    else if (isTimestamp(column))
      input.value = current.replace(" ", "T").replace(/([+-]\d\d(:\d\d)?)$/, "");
    else if (column.type === "boolean")
      input.value = current === "t" ? "true" : current === "f" ? "false" : current;
    else input.value = current;
  }
  const isNull = h("input", { type: "checkbox", name: `${column.name}-null`, title: "NULL" });
  isNull.checked = current === null;
  let touched = false;
  const touch = () => (touched = true);
  input.addEventListener("input", touch);
  input.addEventListener("change", touch);
  isNull.addEventListener("change", touch);

  let picker: HTMLElement | undefined;
  if (column.references) {
    const list = h("datalist", { id: `options-${column.name}` });
    input.setAttribute("list", list.id);
    const refresh = async () => {
      const options = await api.get<{ value: string; label: string }[]>(
        `/tables/rel/${encodeURIComponent(meta.schema)}/${encodeURIComponent(meta.name)}/options?column=${encodeURIComponent(column.name)}&q=${encodeURIComponent(input.value)}`,
      );
      list.replaceChildren(...options.map((one) => h("option", { value: one.value }, one.label)));
    };
    input.addEventListener("focus", () => void refresh());
    input.addEventListener("input", () => void refresh());
    picker = h(
      "span",
      { class: "muted" },
      list,
      ` → ${column.references.table}.${column.references.column}`,
    );
  }

  return {
    column,
    element: h(
      "tr",
      { "data-field": column.name },
      h(
        "th",
        { title: column.comment ?? "" },
        column.name,
        h("br"),
        h("small", { class: "muted" }, column.type),
      ),
      h("td", {}, input, picker),
      h("td", {}, column.not_null ? "" : h("label", {}, isNull, " null")),
      h("td", { class: "muted" }, column.default ? `default ${column.default}` : ""),
    ),
    touched: () => touched,
    read(): unknown {
      if (isNull.checked) return null;
      const value = input.value;
      if (column.is_array) return value.split("\n").filter((line) => line !== "");
      if (column.type === "json" || column.type === "jsonb") {
        JSON.parse(value);
        return value;
      }
      if (column.type === "timestamp with time zone" && value) return `${value}Z`;
      return value;
    },
  };
}

export const tablesView: SectionView = {
  async render(root, route) {
    root.dataset.keepRoute = "";
    const schemas = await api.get<{ name: string; comment: string | null }[]>("/tables/schemas");
    let schema = route[0] ?? "public";
    const schemaSelect = h(
      "select",
      { id: "schema", onchange: () => void loadRelations(schemaSelect.value) },
      schemas.map((one) => h("option", { value: one.name, title: one.comment ?? "" }, one.name)),
    );
    schemaSelect.value = schema;
    const relationList = h("ul", { id: "relations" });
    const detail = h("div", { id: "relation" });
    root.append(
      h(
        "div",
        { style: "display:grid;grid-template-columns:16rem 1fr;gap:1rem" },
        h("aside", {}, schemaSelect, relationList),
        detail,
      ),
    );

    async function loadRelations(name: string) {
      schema = name;
      const relations = await api.get<
        { name: string; kind: string; comment: string | null; estimate: number | null }[]
      >(`/tables/relations?schema=${encodeURIComponent(name)}`);
      relationList.replaceChildren(
        ...relations.map((one) =>
          h(
            "li",
            { "data-relation": one.name, title: one.comment ?? "" },
            h(
              "a",
              { href: `#/tables/${encodeURIComponent(name)}/${encodeURIComponent(one.name)}` },
              one.name,
            ),
            one.kind === "table" ? "" : h("small", { class: "muted" }, ` ${one.kind}`),
            one.comment && h("div", { class: "muted" }, h("small", {}, one.comment)),
          ),
        ),
      );
    }

    const onHash = () => {
      const [, s, name] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
      if (s && s !== schema) {
        schemaSelect.value = s;
        void loadRelations(s);
      }
      if (s && name)
        void openRelation(detail, s, name).catch((error) =>
          detail.replaceChildren(errorBox(error)),
        );
    };
    await loadRelations(schema);
    window.addEventListener("hashchange", onHash);
    if (route[1]) await openRelation(detail, schema, route[1]);
    return () => window.removeEventListener("hashchange", onHash);
  },
};

async function openRelation(detail: HTMLElement, schema: string, name: string): Promise<void> {
  const base = `/tables/rel/${encodeURIComponent(schema)}/${encodeURIComponent(name)}`;
  const meta = await api.get<Meta>(base);
  const filters: Filter[] = [];
  let sort: { column: string; desc: boolean }[] = [];
  /** Cursors of the pages shown so far: [null, after page 1, after page 2, …]. */
  let cursors: ((string | null)[] | null)[] = [null];
  let page: Page | undefined;

  const as = asPicker(() => void reload());
  const status = h("span", { id: "page-info", class: "muted" });
  const gridBox = h("div", { id: "rows" });
  const message = h("div", { id: "message" });
  const whyBox = h("div", { id: "why-box" });
  const filterColumn = h(
    "select",
    { id: "filter-column" },
    meta.columns.map((c) => h("option", { value: c.name }, c.name)),
  );
  const filterOp = h(
    "select",
    { id: "filter-op" },
    operators.map((op) => h("option", { value: op }, op)),
  );
  const filterValue = h("input", { id: "filter-value", placeholder: "value" });
  const filterList = h("span", { id: "filters" });
  const form = h("div", { id: "row-form" });

  const canEdit = meta.kind === "table" && meta.primaryKey.length > 0;
  detail.replaceChildren(
    h(
      "h2",
      { id: "relation-name" },
      `${meta.schema}.${meta.name}`,
      h("small", { class: "muted" }, ` ${meta.kind}`),
    ),
    meta.comment ? h("p", { id: "relation-comment" }, meta.comment) : "",
    h(
      "div",
      { class: "toolbar" },
      as.element,
      h("button", { id: "why-button", onclick: () => void why("select") }, "Why these rows?"),
    ),
    h(
      "div",
      { class: "toolbar" },
      "Filter ",
      filterColumn,
      filterOp,
      filterValue,
      h("button", { id: "add-filter", onclick: () => addFilter() }, "Add"),
      filterList,
    ),
    h(
      "div",
      { class: "toolbar" },
      h("button", { id: "prev", onclick: () => void go(-1) }, "← Previous"),
      h("button", { id: "next", onclick: () => void go(1) }, "Next →"),
      status,
      h("button", { id: "count", onclick: () => void countExactly() }, "Count exactly"),
      h("span", { id: "exact-count" }),
      canEdit && h("button", { id: "insert", onclick: () => showForm() }, "Insert row"),
    ),
    message,
    form,
    gridBox,
    whyBox,
    h(
      "details",
      { open: true },
      h("summary", {}, "Definition"),
      h("pre", { id: "definition" }, meta.definition),
    ),
    h(
      "details",
      { open: true },
      h("summary", {}, `Indexes (${meta.indexes.length})`),
      h(
        "ul",
        { id: "indexes" },
        meta.indexes.map((index) => h("li", {}, h("code", {}, index.definition))),
      ),
    ),
    h(
      "details",
      { open: true },
      h(
        "summary",
        {},
        `Policies (${meta.policies.length}) — RLS ${meta.rls.enabled ? "on" : "off"}${meta.rls.forced ? ", forced" : ""}`,
      ),
      h(
        "div",
        { id: "policies" },
        grid(["name", "kind", "command", "roles", "using", "with_check"], meta.policies),
      ),
    ),
    h(
      "details",
      { open: true },
      h("summary", {}, "Grants"),
      h(
        "ul",
        { id: "grants" },
        meta.grants.map((grant) =>
          h("li", { "data-grantee": grant.grantee }, `${grant.grantee}: ${grant.privileges}`),
        ),
      ),
    ),
  );

  function addFilter() {
    filters.push({ column: filterColumn.value, op: filterOp.value, value: filterValue.value });
    drawFilters();
    void reload();
  }
  function drawFilters() {
    filterList.replaceChildren(
      ...filters.map((filter, i) =>
        h(
          "button",
          {
            class: "filter",
            title: "remove",
            onclick: () => {
              filters.splice(i, 1);
              drawFilters();
              void reload();
            },
          },
          `${filter.column} ${filter.op} ${filter.op.endsWith("null") ? "" : filter.value} ✕`,
        ),
      ),
    );
  }

  /** count(*) of the filtered rows as the caller: on request only, it reads the whole table. */
  async function countExactly() {
    const query = new URLSearchParams({ as: as.value(), filters: JSON.stringify(filters) });
    const exact = detail.querySelector("#exact-count")!;
    try {
      const { n } = await api.get<{ n: string }>(`${base}/count?${query}`);
      exact.textContent = `exactly ${Number(n).toLocaleString("en")}`;
    } catch (error) {
      exact.replaceChildren(errorBox(error));
    }
  }

  async function reload() {
    cursors = [null];
    await load();
  }
  async function go(step: number) {
    if (step > 0 && page?.next) cursors.push(page.next);
    else if (step < 0 && cursors.length > 1) cursors.pop();
    else return;
    await load();
  }

  /**
   * Loads overlap (a save reloads the rows while the user already adds a filter), and their
   * answers may come back in any order: only the latest load's rows or error are shown, and the
   * grid counts as loading while any load is out.
   */
  let latestLoad = 0;
  let loadsOut = 0;

  async function load() {
    const ticket = ++latestLoad;
    const query = new URLSearchParams({ as: as.value(), limit: "50" });
    if (filters.length) query.set("filters", JSON.stringify(filters));
    if (sort.length) query.set("sort", JSON.stringify(sort));
    const after = cursors.at(-1);
    if (after) query.set("after", JSON.stringify(after));
    message.replaceChildren();
    gridBox.dataset.loading = "true";
    loadsOut++;
    let answer: Page;
    try {
      answer = await api.get<Page>(`${base}/rows?${query}`);
    } catch (error) {
      if (ticket === latestLoad) {
        gridBox.replaceChildren();
        message.replaceChildren(errorBox(error));
      }
      return;
    } finally {
      if (--loadsOut === 0) delete gridBox.dataset.loading;
    }
    if (ticket !== latestLoad) return;
    page = answer;
    const first = (cursors.length - 1) * 50;
    const estimate =
      page.estimate === null
        ? "not yet analyzed"
        : `≈ ${page.estimate.toLocaleString("en")} in the table (estimate)`;
    const visible =
      page.visible === null
        ? `more than ${page.visibleAtLeast.toLocaleString("en")} visible`
        : `${page.visible} visible`;
    status.textContent = `rows ${page.rows.length ? first + 1 : 0}–${first + page.rows.length}; ${visible} as ${as.value()}; ${estimate}`;
    (detail.querySelector("#prev") as HTMLButtonElement).disabled = cursors.length <= 1;
    (detail.querySelector("#next") as HTMLButtonElement).disabled = !page.next;
    gridBox.replaceChildren(rowsGrid(page));
    gridBox.dataset.count = String(page.rows.length);
  }

  function rowsGrid(current: Page): HTMLElement {
    const header = current.columns.map((name) => {
      const sorted = sort.find((one) => one.column === name);
      return h(
        "th",
        {
          "data-sort-column": name,
          style: "cursor:pointer",
          title: meta.columns.find((c) => c.name === name)?.comment ?? "click to sort",
          onclick: () => {
            sort = sorted
              ? sorted.desc
                ? []
                : [{ column: name, desc: true }]
              : [{ column: name, desc: false }];
            void reload();
          },
        },
        name,
        sorted ? (sorted.desc ? " ▼" : " ▲") : "",
      );
    });
    return h(
      "table",
      { class: "grid" },
      h("thead", {}, h("tr", {}, header, canEdit && h("th", {}))),
      h(
        "tbody",
        {},
        current.rows.map((row, i) =>
          h(
            "tr",
            { "data-row": i, "data-key": canEdit ? JSON.stringify(keyOf(row)) : "" },
            current.columns.map((name) => h("td", { "data-column": name }, cellText(row[name]))),
            canEdit &&
              h(
                "td",
                {},
                h("button", { class: "edit", onclick: () => showForm(row) }, "Edit"),
                h("button", { class: "delete", onclick: () => void remove(row) }, "Delete"),
              ),
          ),
        ),
      ),
    );
  }

  const keyOf = (row: Row) => Object.fromEntries(meta.primaryKey.map((name) => [name, row[name]]));

  function showForm(row?: Row) {
    const fields = meta.columns
      .filter((column) => !column.generated)
      .map((column) => fieldFor(meta, column, row ? row[column.name] : undefined));
    const error = h("div", { id: "row-error" });
    const values = () => {
      const changed = fields.filter((field) => field.touched());
      return Object.fromEntries(changed.map((field) => [field.column.name, field.read()]));
    };
    const save = async () => {
      error.replaceChildren();
      try {
        if (row)
          await api.patch(`${base}/rows`, { as: as.value(), key: keyOf(row), values: values() });
        else await api.post(`${base}/rows`, { as: as.value(), values: values() });
        form.replaceChildren();
        await load();
      } catch (failure) {
        error.replaceChildren(
          errorBox(failure),
          failure instanceof ApiError
            ? h(
                "button",
                {
                  id: "why-write",
                  onclick: () => void why(row ? "update" : "insert", values(), row && keyOf(row)),
                },
                "Why was it refused?",
              )
            : "",
        );
      }
    };
    form.replaceChildren(
      h(
        "fieldset",
        { "data-mode": row ? "edit" : "insert" },
        h("legend", {}, row ? "Edit row" : "Insert row", " (only the fields you change are sent)"),
        h(
          "table",
          {},
          fields.map((field) => field.element),
        ),
        h("button", { id: "save-row", onclick: () => void save() }, row ? "Save" : "Insert"),
        h("button", { id: "close-form", onclick: () => form.replaceChildren() }, "Close"),
        error,
      ),
    );
  }

  async function remove(row: Row) {
    const key = keyOf(row);
    if (
      !(await confirmAction(
        `Delete the row ${JSON.stringify(key)} from ${meta.schema}.${meta.name}?`,
      ))
    )
      return;
    try {
      await api.delete(`${base}/rows`, { as: as.value(), key });
      await load();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }

  async function why(operation: string, values?: unknown, key?: unknown) {
    whyBox.replaceChildren(h("p", { class: "muted" }, "Explaining…"));
    try {
      const explanation = await api.post<Explanation>(`${base}/why`, {
        as: as.value(),
        operation,
        filters,
        values,
        key,
      });
      whyBox.replaceChildren(whyPanel(explanation));
    } catch (error) {
      whyBox.replaceChildren(errorBox(error));
    }
  }

  await load();
}
