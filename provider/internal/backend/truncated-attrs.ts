import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Whether a `pulumi` failure is the file backend's answer to an empty attribute file: the CLI
 * writes `<stack>.json.attrs` (the blob's metadata) beside each checkpoint, and one killed while
 * writing it leaves 0 bytes, after which every read of that stack (and `pulumi stack ls`) fails
 * with "EOF".
 */
export function isTruncatedAttrsFailure(message: string): boolean {
  return /(?:^|\s|:)EOF\s*$/m.test(message);
}

/**
 * Moves every empty `.attrs` file of a `file://` backend's checkpoints aside (renamed to
 * `<name>.empty-<time>`, nothing deleted) and returns what it moved. The file holds only the
 * checkpoint's content type and checksum, and the CLI reads a checkpoint without it as it reads
 * one written before attributes existed; an empty one holds nothing. Other backends keep no such
 * files: nothing is done for them.
 */
export function moveEmptyAttrsAside(backendUrl: string, now: number = Date.now()): string[] {
  if (!/^file:\/\//i.test(backendUrl)) return [];
  const root = path.join(fileURLToPath(backendUrl.replace(/\?.*$/, "")), ".pulumi", "stacks");
  const moved: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && entry.name.endsWith(".attrs") && fs.statSync(file).size === 0) {
        const aside = `${file}.empty-${now}`;
        fs.renameSync(file, aside);
        moved.push(`${file} → ${path.basename(aside)}`);
      }
    }
  };
  walk(root);
  return moved;
}
