/**
 * Control characters: C0 (including newline, tab and ESC, which starts ANSI escape sequences),
 * DEL, and C1. Names holding them garble terminals, logs and PlanetScale's dashboard, and an ANSI
 * sequence can hide or rewrite what a reviewer sees in `pulumi preview`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Why `value` is not acceptable as a human-readable name, or undefined when it is: it must hold a
 * visible character and no control character. `what` is the property, used in the message.
 */
export function textReason(what: string, value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    const code = control[0].codePointAt(0) ?? 0;
    const name =
      code === 0x1b
        ? "ESC, as in an ANSI escape sequence"
        : code === 0x0a
          ? "a newline"
          : "a control character";
    return (
      `${what} contains ${name} (U+${code.toString(16).toUpperCase().padStart(4, "0")}) at position ${control.index + 1}: ` +
      "use printable text only (remove escape sequences, newlines and tabs)"
    );
  }
  if (value.trim() === "") return `${what} must contain a visible character, not only spaces`;
  return undefined;
}

/**
 * `value` in single quotes for a message, with control characters escaped (`\u001b`), so that
 * echoing a bad input can never inject an escape sequence into the terminal or the log.
 */
export function quoted(value: string): string {
  const escaped = value.replace(
    new RegExp(CONTROL_CHARACTER.source, "gu"),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
  return `'${escaped}'`;
}
