import { queryParamError } from "../errors.ts";

/** Thrown inside a parser; `pos` is how far it got, for the error's column. */
export class ParseFailure {
  constructor(
    readonly pos: number,
    readonly expected: string[],
  ) {}
}

/**
 * A position in one query parameter. Parsers are functions over it that advance it or throw
 * ParseFailure; `attempt` backtracks, as Parsec's `try` does in PostgREST's grammar.
 */
export class Cursor {
  pos = 0;
  /** The failure that got furthest, which is what a user needs to see. */
  private furthest: ParseFailure | undefined;

  constructor(readonly text: string) {}

  get rest(): string {
    return this.text.slice(this.pos);
  }

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  lookingAt(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  fail(...expected: string[]): never {
    const failure = new ParseFailure(this.pos, expected);
    if (!this.furthest || failure.pos > this.furthest.pos) this.furthest = failure;
    else if (failure.pos === this.furthest.pos)
      this.furthest = new ParseFailure(failure.pos, [...this.furthest.expected, ...expected]);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a backtracking signal, not an Error: no stack to capture
    throw failure;
  }

  /** Consumes `s` or fails. */
  expect(s: string, what = `"${s}"`): void {
    if (!this.lookingAt(s)) this.fail(what);
    this.pos += s.length;
  }

  /** Consumes `s` if it is next. */
  accept(s: string): boolean {
    if (!this.lookingAt(s)) return false;
    this.pos += s.length;
    return true;
  }

  /** Runs `parse`; on failure restores the position and returns undefined. */
  attempt<T>(parse: () => T): T | undefined {
    const start = this.pos;
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      this.pos = start;
      return undefined;
    }
  }

  /** Consumes characters while `test` holds. */
  takeWhile(test: (c: string) => boolean): string {
    const start = this.pos;
    while (!this.eof() && test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  skipSpaces(): void {
    this.takeWhile((c) => c === " " || c === "\t");
  }

  /** The furthest failure as PostgREST words a parse error: position in the message, what went wrong in details. */
  report(label: string): never {
    const failure = this.furthest ?? new ParseFailure(this.pos, []);
    const found =
      failure.pos >= this.text.length ? "end of input" : JSON.stringify(this.text[failure.pos]);
    const expected = [...new Set(failure.expected)];
    const expecting =
      expected.length === 0
        ? ""
        : ` expecting ${expected.length === 1 ? expected[0] : `${expected.slice(0, -1).join(", ")} or ${expected.at(-1)}`}`;
    throw queryParamError(
      `"${label}" (line 1, column ${failure.pos + 1})`,
      `unexpected ${found}${expecting}`,
    );
  }
}

/** Runs a whole-input parser and turns a failure into PostgREST's PGRST100. */
export function parseAll<T>(text: string, label: string, parse: (cursor: Cursor) => T): T {
  const cursor = new Cursor(text);
  try {
    const result = parse(cursor);
    if (!cursor.eof()) cursor.fail("end of input");
    return result;
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return cursor.report(label);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Remembers what a parser made of each recent input. Parsing backtracks by throwing, and V8 makes
 * every throw costly, while a client sends the same `select`, `order` and filter strings again and
 * again. Results are frozen, since requests share them; failures are not remembered.
 */
export function memoized<T extends object>(
  parse: (text: string) => T,
  limit = 500,
): (text: string) => T {
  const results = new Map<string, T>();
  return (text) => {
    const known = results.get(text);
    if (known !== undefined) return known;
    const result = deepFreeze(parse(text));
    // The oldest entry makes room: Map iterates in insertion order.
    if (results.size >= limit) results.delete(results.keys().next().value!);
    results.set(text, result);
    return result;
  };
}
