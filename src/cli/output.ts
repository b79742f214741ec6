/**
 * The CLI's words: text or JSON on stdout, warnings and errors on stderr, colour only where wanted,
 * spinners only on an interactive terminal.
 */
import type { ChalkInstance } from 'chalk';

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
    this.color = opts.color !== false && !process.env.NO_COLOR && !!process.stdout.isTTY && process.env.TERM !== 'dumb';
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
      process.stderr.write(`warning: ${text}\n`);
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
    if (!process.stderr.isTTY || this.quiet || this.json) {
      return { succeed() {}, fail() {}, stop() {}, text };
    }
    const { default: ora } = await import('ora');
    return ora({ text, stream: process.stderr, color: 'cyan', isEnabled: true }).start();
  }
}

/** A chalk stand-in that styles nothing: no need to load chalk when colour is off. */
const plain: ChalkInstance = new Proxy(((s: unknown) => String(s)) as unknown as ChalkInstance, {
  get: (_t, prop) => (prop === 'level' ? 0 : prop === 'then' ? undefined : plain),
  apply: (_t, _this, args: unknown[]) => args.map(String).join(' '),
});
