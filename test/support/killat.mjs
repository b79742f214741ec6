/**
 * Test preload (node --import): fault injection at an exact write step. Every write-side file system call
 * (open for writing, write, fsync, rename, link, unlink, mkdir, rm, writeFile, ... on files; not writes to
 * stdout/stderr) is one step. At step LLM_SCHEMA_TEST_KILL_AT the process sends itself
 * LLM_SCHEMA_TEST_KILL_SIGNAL (default SIGKILL) before the call runs. With SIGKILL the process dies right
 * there; another signal is delivered to the process's handlers as a real one would be.
 * LLM_SCHEMA_TEST_STEPS_FILE, when set, receives the number of steps taken when the process exits normally;
 * LLM_SCHEMA_TEST_TRACE_FILE, when set, one line per step: `<n> <call> <path or fd>`.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const killAt = Number(process.env.LLM_SCHEMA_TEST_KILL_AT ?? '0');
const signal = process.env.LLM_SCHEMA_TEST_KILL_SIGNAL || 'SIGKILL';
const stepsFile = process.env.LLM_SCHEMA_TEST_STEPS_FILE;
const traceFile = process.env.LLM_SCHEMA_TEST_TRACE_FILE;
const appendFileSync = fs.appendFileSync;
let steps = 0;
let counting = true;

function step(name, args) {
  if (!counting) return;
  steps++;
  if (traceFile) {
    counting = false; // the trace's own writes are not steps
    try {
      appendFileSync(traceFile, `${steps} ${name} ${String(args[0])}${/^(link|rename)/.test(name) && typeof args[1] === 'string' ? ` ${args[1]}` : ''}\n`);
    } finally {
      counting = true;
    }
  }
  if (steps === killAt) process.kill(process.pid, signal);
}

const writeFlags = (flags) =>
  typeof flags === 'string'
    ? /[wa+]/.test(flags)
    : typeof flags === 'number'
      ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0
      : false;

const wrapSync = (name, when = () => true) => {
  const orig = fs[name];
  fs[name] = function (...args) {
    if (when(...args)) step(name, args);
    return orig.apply(this, args);
  };
};
const wrapAsync = (obj, name, when = () => true) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    if (when(...args)) step(name, args);
    return orig.apply(this, args);
  };
};

wrapSync('openSync', (_p, flags) => writeFlags(flags));
wrapSync('writeSync', (fd) => fd > 2);
wrapSync('writeFileSync', (f) => typeof f !== 'number' || f > 2);
wrapSync('appendFileSync');
for (const n of ['fsyncSync', 'fdatasyncSync', 'renameSync', 'linkSync', 'unlinkSync', 'mkdirSync', 'rmSync', 'rmdirSync', 'copyFileSync', 'symlinkSync'])
  wrapSync(n);
for (const n of ['rename', 'link', 'unlink', 'mkdir', 'rm', 'rmdir', 'copyFile', 'symlink', 'appendFile']) wrapAsync(fs, n);
wrapAsync(fs, 'writeFile', (f) => typeof f !== 'number' || f > 2);
wrapAsync(fs, 'open', (_p, flags) => writeFlags(flags));
wrapAsync(fs, 'write', (fd) => fd > 2);
wrapAsync(fs, 'fsync');
for (const n of ['writeFile', 'rename', 'link', 'unlink', 'mkdir', 'rm', 'rmdir', 'copyFile', 'symlink', 'appendFile']) wrapAsync(fs.promises, n);
wrapAsync(fs.promises, 'open', (_p, flags) => writeFlags(flags));

syncBuiltinESMExports();

process.on('exit', () => {
  counting = false;
  if (stepsFile) {
    try {
      fs.writeFileSync(stepsFile, String(steps));
    } catch {
      /* the test then sees no count */
    }
  }
});
