/**
 * Test preload (node --import): a disk with LLM_SCHEMA_TEST_FREE_BYTES bytes free. Writes to files (not
 * stdout/stderr) use up the budget; a write larger than what is left writes only that part (and reports
 * the short count, as write(2) does), and the next one fails with ENOSPC. Patches fs.writeSync,
 * fs.writeFileSync and fs.promises.writeFile, then syncs the ESM named exports.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

let free = Number(process.env.LLM_SCHEMA_TEST_FREE_BYTES ?? 'Infinity');

function enospc(syscall) {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', errno: -28, syscall });
}

const writeSync = fs.writeSync;
fs.writeSync = function (fd, buffer, ...rest) {
  if (fd <= 2) return writeSync.call(fs, fd, buffer, ...rest);
  if (free <= 0) throw enospc('write');
  // writeSync(fd, string[, position[, encoding]]) or writeSync(fd, buffer[, offset[, length[, position]]])
  let buf, position;
  if (typeof buffer === 'string') {
    buf = Buffer.from(buffer, typeof rest[1] === 'string' ? rest[1] : 'utf8');
    position = rest[0];
  } else {
    const offset = rest[0] ?? 0;
    const length = rest[1] ?? buffer.byteLength - offset;
    buf = Buffer.from(buffer.buffer, buffer.byteOffset + offset, length);
    position = rest[2];
  }
  const n = Math.min(buf.length, free);
  free -= n;
  return writeSync.call(fs, fd, buf, 0, n, position ?? null);
};

const writeFileSync = fs.writeFileSync;
fs.writeFileSync = function (file, data, options) {
  const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  if (buf.length > free) {
    writeFileSync.call(fs, file, buf.subarray(0, Math.max(0, free)), options);
    free = 0;
    throw enospc('write');
  }
  free -= buf.length;
  return writeFileSync.call(fs, file, data, options);
};

const writeFile = fs.promises.writeFile;
fs.promises.writeFile = async function (file, data, options) {
  const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  if (buf.length > free) {
    await writeFile.call(fs.promises, file, buf.subarray(0, Math.max(0, free)), options);
    free = 0;
    throw enospc('write');
  }
  free -= buf.length;
  return writeFile.call(fs.promises, file, data, options);
};

syncBuiltinESMExports();
