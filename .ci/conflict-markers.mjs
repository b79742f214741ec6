#!/usr/bin/env node
// Fails when a tracked text file holds a merge-conflict marker line (`<<<<<<< `, `=======`, `>>>>>>> `, `|||||||`).
// A marker once shipped in the README (and in the npm tarball); this runs in `npm run lint`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Usage: node .ci/conflict-markers.mjs [repository folder] (default: this repository).
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  .split('\0')
  .filter(Boolean);
const MARKER = /^(?:<{7}(?: |$)|={7}$|>{7}(?: |$)|\|{7}(?: |$))/;
const found = [];
for (const file of files) {
  let buf;
  try {
    buf = readFileSync(join(root, file));
  } catch {
    continue; // deleted in the work tree, or not a regular file
  }
  if (buf.includes(0)) continue; // binary
  const lines = buf.toString('utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (MARKER.test(line)) found.push(`${file}:${i + 1}: merge-conflict marker: ${line.slice(0, 40)}`);
  });
}
if (found.length) {
  for (const f of found) console.error(f);
  console.error(`${found.length} merge-conflict marker line(s): resolve the conflict and remove them.`);
  process.exit(1);
}
