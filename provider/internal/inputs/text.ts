/**
 * Control characters: C0 (including newline, tab and ESC, which starts ANSI escape sequences),
 * DEL, and C1. Names holding them garble terminals, logs and PlanetScale's dashboard, and an ANSI
 * sequence can hide or rewrite what a reviewer sees in `pulumi preview`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Bidirectional controls (the embeddings, overrides and isolates, and the three marks): a
 * right-to-left override makes `app\u202Egnp.exe` display as `appexe.png`, so a name would read
 * differently in a review than it is ("Trojan Source", CVE-2021-42574).
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Characters that show nothing and join nothing: zero-width space, word joiner, byte order mark.
 * (Zero-width joiners stay allowed: emoji and some scripts need them.)
 */
const INVISIBLE = /[\u200b\u2060\ufeff]/u;

/** Something a reader can see: not whitespace, not an invisible or formatting character. */
const VISIBLE = /[^\s\u200b-\u200f\u2060\ufeff]/u;

/** `U+001B`-style code point of a one-character string. */
function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

function controlName(code: number): string {
  if (code === 0x1b) return "ESC, as in an ANSI escape sequence";
  if (code === 0x0a) return "a newline";
  return "a control character";
}

function bidiName(code: number): string {
  if (code === 0x202e) return "a right-to-left override";
  if (code === 0x202d) return "a left-to-right override";
  return "a bidirectional control character";
}

/**
 * Why `value` is not acceptable as a human-readable name, or undefined when it is: it must hold a
 * visible character, and no control, bidirectional control or invisible character. `what` is the
 * property, used in the message.
 */
export function textReason(what: string, value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    return (
      `${what} contains ${controlName(control[0].codePointAt(0) ?? 0)} (${codePoint(control[0])}) at position ${control.index + 1}: ` +
      "use printable text only (remove escape sequences, newlines and tabs)"
    );
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) {
    return (
      `${what} contains ${bidiName(bidi[0].codePointAt(0) ?? 0)} (${codePoint(bidi[0])}) at position ${bidi.index + 1}, ` +
      "which makes text display in another order than it is: remove it"
    );
  }
  const invisible = INVISIBLE.exec(value);
  if (invisible) {
    return `${what} contains an invisible character (${codePoint(invisible[0])}) at position ${invisible.index + 1}: remove it`;
  }
  if (!VISIBLE.test(value)) return `${what} must contain a visible character, not only spaces`;
  return undefined;
}

/**
 * `value` in single quotes for a message, with control and bidirectional characters escaped
 * (`\u001b`), so that echoing a bad input can never inject an escape sequence into the terminal or
 * the log, nor reorder the message around it.
 */
export function quoted(value: string): string {
  const unsafe = new RegExp(`${CONTROL_CHARACTER.source}|${BIDI_CONTROL.source}|${INVISIBLE.source}`, "gu");
  const escaped = value.replace(unsafe, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
  return `'${escaped}'`;
}
