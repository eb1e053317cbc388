/**
 * The tokens of MySQL DDL, for `ddl.ts`: words, `` `quoted` `` identifiers, `'strings'`, numbers
 * and punctuation; and the splitting of a script into statements at the `;` outside quotes.
 */

/** One token: `word` is a bare word (a keyword or an identifier), `ident` a backquoted identifier. */
export interface Token {
  kind: "word" | "ident" | "string" | "number" | "punct";
  /** The value: an identifier or string unquoted, a word as written, a punctuation character. */
  text: string;
  /** The source text of the token, for error messages and type arguments. */
  raw: string;
}

/** A statement the emulator refuses, in MySQL's words where MySQL has them. */
export class DdlError extends Error {}

/** MySQL's syntax error, quoting where the parser stopped. */
export function syntaxError(near: string): DdlError {
  return new DdlError(
    `Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near.slice(0, 80)}'`,
  );
}

/** Splits `sql` into tokens; comments (`-- …`, `# …`, `/* … *\/`) are skipped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i) || c === "#") {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "`" || c === "'" || c === '"') {
      const start = i;
      let text = "";
      i++;
      for (;;) {
        if (i >= sql.length) throw syntaxError(sql.slice(start));
        const d = sql[i] as string;
        if (d === "\\" && c !== "`") {
          text += sql[i + 1] ?? "";
          i += 2;
        } else if (d === c && sql[i + 1] === c) {
          text += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: c === "`" ? "ident" : "string", text, raw: sql.slice(start, i) });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: "number", text: match[0], raw: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z0-9_$]+/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: "word", text: match[0], raw: match[0] });
      i += match[0].length;
    } else if ("(),;=.".includes(c)) {
      tokens.push({ kind: "punct", text: c, raw: c });
      i++;
    } else {
      throw syntaxError(sql.slice(i));
    }
  }
  return tokens;
}

/** The statements of a script, split at `;` (outside quotes and comments), without empty ones. */
export function splitStatements(script: string): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokenize(script)) {
    if (token.kind === "punct" && token.text === ";") statements.push([]);
    else statements.at(-1)?.push(token);
  }
  return statements.filter((s) => s.length > 0);
}

/** A cursor over one statement's tokens. */
export class Tokens {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** The next token, not consumed. */
  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  /** Whether the next token is the keyword `word` (any case). */
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === "word" && t.text.toUpperCase() === word;
  }

  /** Whether the next token is the punctuation `p`. */
  isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === "punct" && t.text === p;
  }

  /** Consumes the keywords `words` if they come next; returns whether they did. */
  accept(...words: string[]): boolean {
    if (!words.every((w, i) => this.isWord(w, i))) return false;
    this.at += words.length;
    return true;
  }

  /** Consumes `p` if it comes next. */
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.at++;
    return true;
  }

  /** Consumes the keywords `words`, or throws a syntax error. */
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw this.error();
  }

  /** Consumes `p`, or throws a syntax error. */
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw this.error();
  }

  /** Consumes an identifier (bare or backquoted). */
  identifier(): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== "word" && t.kind !== "ident")) throw this.error();
    this.at++;
    return t.text;
  }

  /** Consumes any token. */
  next(): Token {
    const t = this.peek();
    if (t === undefined) throw this.error();
    this.at++;
    return t;
  }

  /** Whether every token was consumed. */
  done(): boolean {
    return this.at >= this.tokens.length;
  }

  /** The syntax error at the current position. */
  error(): DdlError {
    return syntaxError(
      this.tokens
        .slice(this.at)
        .map((t) => t.raw)
        .join(" "),
    );
  }
}
