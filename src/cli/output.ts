/**
 * The CLI's words: text or JSON on stdout, warnings and errors on stderr, colour only where wanted,
 * spinners only on an interactive terminal.
 */
import type { ChalkInstance } from 'chalk';
import { escapeControl } from '../model/errors.js';

export type OutputFormat = 'text' | 'json';

export interface GlobalOptions {
  registry?: string;
  format?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export class Output {
  readonly format: OutputFormat;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly debug: boolean;
  private chalkInstance?: ChalkInstance;
  private buffer: string[] = [];
  private bufferedBytes = 0;

  constructor(opts: GlobalOptions, format: OutputFormat) {
    this.format = format;
    this.quiet = !!opts.quiet;
    this.debug = !!opts.debug;
    this.color = wantColor(opts.color);
  }

  get json(): boolean {
    return this.format === 'json';
  }

  /** chalk, loaded on first use; a no-colour instance when colour is off. */
  async chalk(): Promise<ChalkInstance> {
    if (!this.chalkInstance) {
      if (this.color) {
        const { Chalk } = await import('chalk');
        this.chalkInstance = new Chalk({ level: 1 });
      } else {
        this.chalkInstance = plain;
      }
    }
    return this.chalkInstance;
  }

  /** A line of the command's answer on stdout (buffered; flushed at exit). */
  line(text = ''): void {
    this.buffer.push(text, '\n');
    this.bufferedBytes += text.length + 1;
    if (this.bufferedBytes > 1 << 16) this.flush();
  }

  /** A line of the answer that --quiet hides (progress, notes, hints). */
  info(text: string): void {
    if (!this.quiet && !this.json) {
      this.flush(); // keep stdout and stderr lines in order on a terminal
      process.stderr.write(text + '\n');
    }
  }

  warn(text: string): void {
    if (!this.quiet) {
      this.flush();
      process.stderr.write(`warning: ${escapeControl(text)}\n`);
    }
  }

  /** A reporter's text on stdout, as given (it ends with its own newline). */
  write(text: string): void {
    this.buffer.push(text);
    this.bufferedBytes += text.length;
    if (this.bufferedBytes > 1 << 16) this.flush();
  }

  /** Print a JSON document on stdout. */
  printJson(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  flush(): void {
    if (this.buffer.length) {
      process.stdout.write(this.buffer.join(''));
      this.buffer = [];
      this.bufferedBytes = 0;
    }
  }

  /** An ora spinner on an interactive terminal, a no-op elsewhere. */
  async spinner(text: string): Promise<{ succeed(t?: string): void; fail(t?: string): void; stop(): void; text: string }> {
    if (!spinnerWanted() || this.quiet || this.json) {
      return { succeed() {}, fail() {}, stop() {}, text };
    }
    const { default: ora } = await import('ora');
    return ora({ text, stream: process.stderr, color: 'cyan', isEnabled: true }).start();
  }
}

/**
 * Colour on stdout: off with --no-color or NO_COLOR; FORCE_COLOR (as chalk and Node read it) turns it on even when piped,
 * FORCE_COLOR=0 or false turns it off; otherwise only on a terminal that is not 'dumb'.
 */
export function wantColor(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = !!process.stdout.isTTY): boolean {
  if (flag === false || env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return isTTY && env.TERM !== 'dumb';
}

/**
 * A spinner redraws one line in place: only on an interactive terminal that reports its width. A terminal reporting 0
 * columns (some CI pseudo-terminals) makes a spinner wrap on every frame and flood the log.
 */
export function spinnerWanted(stream: { isTTY?: boolean; columns?: number } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && (stream.columns ?? 0) > 0 && env.TERM !== 'dumb' && !env.CI;
}

/** A chalk stand-in that styles nothing: no need to load chalk when colour is off. */
const plain: ChalkInstance = new Proxy(((s: unknown) => String(s)) as unknown as ChalkInstance, {
  get: (_t, prop) => (prop === 'level' ? 0 : prop === 'then' ? undefined : plain),
  apply: (_t, _this, args: unknown[]) => args.map(String).join(' '),
});
