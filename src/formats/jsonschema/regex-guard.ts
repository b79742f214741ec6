/**
 * Patterns that can take exponential time in a backtracking engine and that RE2 cannot run (a lookaround or
 * a backreference: `^(?=a)(a+)+$`, `(a+)+\1b`) are tested, while the guard is on (guardPatterns), in a
 * worker thread with a time limit: the calling
 * thread waits on a shared flag (Atomics.wait) and, past the limit, terminates the worker (V8 interrupts a
 * running RegExp) and throws PatternTimeout. The caller reports the record as timed out; the next test starts
 * a fresh worker. The answer within the limit is RegExp's own, so patterns keep their ECMA-262 meaning.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** A guarded pattern ran past its time limit on one string. */
export class PatternTimeout extends Error {
  constructor(
    readonly pattern: string,
    readonly ms: number,
    readonly length: number,
  ) {
    super(
      `pattern ${JSON.stringify(pattern)} ran past its time limit (${ms} ms) on a string of ${length} characters: it needs backtracking ` +
        `(a lookaround or a backreference keeps it off the linear-time engine) and can take exponential time`,
    );
  }
}

/** Milliseconds one guarded test may take by default (LLM_SCHEMA_PATTERN_TIMEOUT_MS overrides; worker start-up included). */
export function patternTimeoutMs(): number {
  const env = Number(process.env.LLM_SCHEMA_PATTERN_TIMEOUT_MS);
  return Number.isInteger(env) && env > 0 ? env : 500;
}

let guardMs: number | undefined;

/**
 * Turn the guard on (a limit in ms) or off (undefined: such patterns run on RegExp in the calling thread, as
 * before) for this thread; returns the previous setting. Off by default: `validate` turns it on for its run
 * (validateInputs' patternTimeoutMs), while `serve` bounds a whole validation job with its own job timeout.
 */
export function guardPatterns(ms: number | undefined): number | undefined {
  const prev = guardMs;
  guardMs = ms;
  return prev;
}

/** The guard's current limit (undefined: off). */
export function patternGuard(): number | undefined {
  return guardMs;
}

// The worker: compiles each pattern once, answers 1 (match), 0 (no match) or an error text, then wakes the caller.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const cache = new Map();
port.on('message', ({ pattern, flags, s }) => {
  let answer;
  try {
    const key = flags + '/' + pattern;
    let re = cache.get(key);
    if (!re) cache.set(key, (re = new RegExp(pattern, flags)));
    answer = re.test(s) ? 1 : 0;
  } catch (e) {
    answer = String(e && e.message);
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Runner {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}
let runner: Runner | undefined;

function start(): Runner {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
  // never keeps the process alive, and a worker that dies is simply replaced
  worker.unref();
  worker.on('error', () => {});
  port1.unref();
  return { worker, port: port1, flag };
}

/** RegExp's answer for `pattern` on s, computed in a worker within `ms`; throws PatternTimeout past it. */
export function guardedTest(pattern: string, flags: string, s: string, ms: number): boolean {
  runner ??= start();
  const r = runner;
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage({ pattern, flags, s });
  const waited = Atomics.wait(r.flag, 0, 0, ms);
  if (waited === 'timed-out') {
    runner = undefined;
    void r.worker.terminate();
    r.port.close();
    throw new PatternTimeout(pattern, ms, s.length);
  }
  const m = receiveMessageOnPort(r.port);
  const answer = m?.message as number | string | undefined;
  if (typeof answer === 'string') throw new Error(answer);
  return answer === 1;
}
