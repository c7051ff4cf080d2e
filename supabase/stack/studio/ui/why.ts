/** "Why was it allowed?": an explanation from the server drawn as a summary and a table of policies. */
import { h } from "./studio.ts";

interface Verdict {
  name: string;
  kind: string;
  command: string;
  roles: string[];
  using: string | null;
  withCheck: string | null;
  applies: boolean;
  reason: string;
  admits?: number;
  of?: number;
  checkPassed?: boolean;
  error?: string;
}

export interface Explanation {
  relation: string;
  operation: string;
  role: string;
  sub: string | null;
  bypass: string | null;
  privilege: boolean;
  note?: string;
  outcome: { allowed: boolean; summary: string };
  policies: Verdict[];
}

export function whyPanel(explanation: Explanation): HTMLElement {
  const who = explanation.sub ? `${explanation.role} (user ${explanation.sub})` : explanation.role;
  return h(
    "section",
    { id: "why", "data-allowed": String(explanation.outcome.allowed) },
    h("h3", {}, `Why? ${explanation.operation.toUpperCase()} on ${explanation.relation} as ${who}`),
    h("p", { id: "why-summary" }, explanation.outcome.summary),
    explanation.note && h("p", { class: "muted" }, explanation.note),
    explanation.bypass && h("p", { id: "why-bypass" }, explanation.bypass),
    !explanation.privilege &&
      h("p", { id: "why-privilege" }, "No table privilege: refused by the grants."),
    explanation.policies.length === 0
      ? h("p", {}, "No policies on this table.")
      : h(
          "table",
          { class: "grid" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              [
                "policy",
                "kind",
                "command",
                "roles",
                "applies",
                "USING",
                "admits",
                "WITH CHECK",
                "new row",
              ].map((name) => h("th", {}, name)),
            ),
          ),
          h(
            "tbody",
            {},
            explanation.policies.map((policy) =>
              h(
                "tr",
                {
                  "data-policy": policy.name,
                  "data-applies": String(policy.applies),
                  "data-admits": policy.admits ?? "",
                  "data-check": policy.checkPassed === undefined ? "" : String(policy.checkPassed),
                },
                h("td", {}, policy.name),
                h("td", {}, policy.kind),
                h("td", {}, policy.command),
                h("td", {}, policy.roles.join(", ")),
                h(
                  "td",
                  { title: policy.reason },
                  policy.applies ? "yes" : "no",
                  h("br"),
                  h("small", { class: "muted" }, policy.reason),
                ),
                h("td", {}, h("code", {}, policy.using ?? "—")),
                h(
                  "td",
                  {},
                  policy.error
                    ? h("span", { class: "error" }, policy.error)
                    : policy.admits === undefined
                      ? "—"
                      : `${policy.admits} of ${policy.of}`,
                ),
                h("td", {}, h("code", {}, policy.withCheck ?? "—")),
                h(
                  "td",
                  {},
                  policy.checkPassed === undefined ? "—" : policy.checkPassed ? "passes" : "fails",
                ),
              ),
            ),
          ),
        ),
  );
}
