// Request shapes (supabase/stack/rest/http/request.ts) on their own, without a stack: reads that
// differ only in their plain comparison values share one shape (and so one plan), each request
// keeping its own values; anything else is a shape of its own.

import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { RestConfig } from "../../supabase/stack/rest/config.ts";
import {
  bindStandIns,
  parseApiRequest,
  RequestShapes,
  type ApiRequest,
} from "../../supabase/stack/rest/http/request.ts";
import { withComparisonsStoodIn } from "../../supabase/stack/rest/parse/query-params.ts";

const config: RestConfig = {
  schemas: ["public"],
  extraSearchPath: [],
  maxRows: undefined,
  aggregatesEnabled: false,
  planEnabled: false,
  txEnd: "commit",
  preRequest: undefined,
  openApiMode: "follow-privileges",
  maxBodyBytes: 1024,
};

function request(
  shapes: RequestShapes,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string> = {},
): ApiRequest {
  const [path, query = ""] = pathAndQuery.split("?") as [string, string?];
  const req = { method, headers } as unknown as IncomingMessage;
  const body = Buffer.from(method === "GET" || method === "HEAD" ? "" : "{}");
  return parseApiRequest(req, path, query, body, shapes);
}

/** The filters' values as each request has them. */
const filterValues = (api: ApiRequest) =>
  api.query.filters.map(({ filter }) =>
    "value" in filter.operation ? filter.operation.value : undefined,
  );

describe("rest: request shapes", () => {
  it("stands in for plain comparison values only, decoded as the query parser decodes them", () => {
    // Each part of the query as sent, and as it reads with stand-ins where it differs.
    const parts: [sent: string, stoodIn?: string][] = [
      ["select=id,title"],
      ["id=eq.5", "id=eq.s0"],
      ["title=not.neq.a%2Bb+c", "title=not.neq.s1"],
      ["starts_at=gte.2026-12-03T10:00:00.000Z", "starts_at=gte.s2"],
      ["price=lt.9", "price=lt.s3"],
      ["books.genre=lte.sf", "books.genre=lte.s4"],
      ["name=like.A*"],
      ["id=in.(1,2)"],
      ["done=is.true"],
      ["order=id"],
      ["limit=20"],
      ["or=(id.eq.1,id.eq.2)"],
      ["apikey=eq.x"],
      ["flag"],
    ];
    const stoodIn = withComparisonsStoodIn(parts.map(([sent]) => sent).join("&"), (i) => `s${i}`, [
      "apikey",
    ]);
    expect(stoodIn.values).toEqual(["5", "a+b c", "2026-12-03T10:00:00.000Z", "9", "sf"]);
    expect(stoodIn.query).toBe(parts.map(([sent, read = sent]) => read).join("&"));
  });

  it("gives reads that differ only in comparison values one shape, each with its own values", () => {
    const shapes = new RequestShapes(config);
    const first = request(shapes, "GET", "/books?select=id&id=eq.1&author.name=neq.Ann&order=id");
    const second = request(shapes, "GET", "/books?select=id&id=eq.2&author.name=neq.Bo&order=id");
    expect(second.shape).toBe(first.shape);
    expect(filterValues(first)).toEqual(["1", "Ann"]);
    expect(filterValues(second)).toEqual(["2", "Bo"]);
    expect(first.query.canonical).toBe("author.name=neq.Ann&id=eq.1&order=id&select=id");
    expect(second.query.canonical).toBe("author.name=neq.Bo&id=eq.2&order=id&select=id");
    // The shape's own query has stand-ins, which each request's values bind.
    expect(
      bindStandIns(filterValues({ ...first, query: first.shape.query }), second.standInValues),
    ).toEqual(["2", "Bo"]);
    expect(bindStandIns(["kept", 3], second.standInValues)).toEqual(["kept", 3]);
  });

  it("keeps what changes a plan in the shape: other operators, select, order, range, headers", () => {
    const shapes = new RequestShapes(config);
    const base = request(shapes, "GET", "/books?select=id&id=eq.1&order=id");
    const distinct = [
      request(shapes, "GET", "/books?select=id&id=gt.1&order=id"),
      request(shapes, "GET", "/books?select=id&id=in.(1)&order=id"),
      request(shapes, "GET", "/books?select=id,title&id=eq.1&order=id"),
      request(shapes, "GET", "/books?select=id&id=eq.1&order=title"),
      request(shapes, "GET", "/books?select=id&id=eq.1&order=id&limit=1"),
      request(shapes, "GET", "/authors?select=id&id=eq.1&order=id"),
      request(shapes, "GET", "/books?select=id&id=eq.1&order=id", {
        accept: "application/vnd.pgrst.object+json",
      }),
    ];
    for (const other of distinct) expect(other.shape).not.toBe(base.shape);
    expect(request(shapes, "HEAD", "/books?select=id&id=eq.7&order=id").shape).not.toBe(base.shape);
  });

  it("does not stand in for values of writes", () => {
    const shapes = new RequestShapes(config);
    for (const method of ["PATCH", "DELETE"]) {
      const one = request(shapes, method, "/books?id=eq.1");
      const two = request(shapes, method, "/books?id=eq.2");
      expect(two.shape).not.toBe(one.shape);
      expect(two.standInValues).toEqual([]);
      expect(filterValues(two)).toEqual(["2"]);
    }
  });

  it("gives a function called by GET its own filter values and arguments", () => {
    const shapes = new RequestShapes(config);
    const one = request(shapes, "GET", "/rpc/search?term=a&id=eq.1");
    const two = request(shapes, "GET", "/rpc/search?term=b&id=eq.2");
    expect(filterValues(two)).toEqual(["2"]);
    expect(two.query.rpcArguments).toEqual([["term", "b"]]);
    expect(filterValues(one)).toEqual(["1"]);
  });
});
