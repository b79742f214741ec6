/**
 * The llm-schema program: global flags, the commands (one file each under commands/), and the one place
 * where errors become exit codes (0 ok, 1 the answer is "no", 2 usage or input error).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { escapeControl, fsProblem, InterruptedError, LlmSchemaError, processRole, RefusedError } from '../model/errors.js';

/** Every command, by file name under commands/. Each exports `define(program)`. */
export const COMMANDS = [
  'init',
  'register',
  'get',
  'list',
  'search',
  'validate',
  'compat',
  'diff',
  'check',
  'serve',
  'log',
  'deprecate',
  'config',
  'export',
  'lint',
  'hook',
  'auth',
  'render',
  'import',
] as const;

export type CommandModule = { define(program: Command): void };

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The global flags, accepted before the command and after it. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--registry <dir>', 'registry root (default: $LLM_SCHEMA_REGISTRY, else the nearest folder holding llm-schema.yaml)')
    .addOption(new Option('--format <format>', 'output format: text or json (check, compat, diff, lint and validate also: github, junit, sarif, gitlab)'))
    .option('--json', 'same as --format json')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-q, --quiet', 'print only the answer: no notes, hints or warnings')
    .option('--debug', 'show stack traces for errors');
}

export function buildProgram(): Command {
  const program = new Command('llm-schema');
  program
    .description('A Git-native registry for the schemas of LLM features: register, validate, diff, check compatibility, serve.')
    .version(packageVersion(), '-V, --version', 'print the version')
    // Program flags before the command, command flags after it: so that `get --version 1.0.0` is the command's.
    .enablePositionalOptions();
  addGlobalOptions(program)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // One line: commander's message, its suggestion folded in, and where to look.
      outputError: (s, write) =>
        write(
          s
            .replace(/^error: /, 'llm-schema: ')
            .trim()
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => l.replace(/^\((Did you mean .*)\)$/, (_m, d: string) => `(${d[0].toLowerCase()}${d.slice(1)})`))
            .map((l) => escapeControl(l))
            .join(' ') + ' (see --help)\n',
        ),
    });
  return program;
}

async function loadCommands(program: Command, argv: string[]): Promise<void> {
  // Load only the command being run when it is named; all of them for --help and unknown words.
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const names: readonly string[] = first && (COMMANDS as readonly string[]).includes(first) ? [first] : COMMANDS;
  const mods = await Promise.all(
    names.map(
      (n) =>
        import(`./commands/${n}.js`).catch((err) => {
          if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(`commands/${n}.js`)) return undefined;
          throw err;
        }) as Promise<CommandModule | undefined>,
    ),
  );
  for (const m of mods) m?.define(program);
  for (const c of program.commands) {
    addGlobalOptions(c).exitOverride().configureOutput(program.configureOutput());
    for (const sub of c.commands) addGlobalOptions(sub).exitOverride().configureOutput(program.configureOutput());
  }
}

export async function main(argv = process.argv): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await loadCommands(program, argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, debug);
  }
}

/** The one place errors become exit codes and one line on stderr. */
export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    // commander already printed its message
    return 2;
  }
  if (err instanceof InterruptedError) {
    if (err.report) process.stderr.write(`llm-schema: ${err.report}\n`);
    return err.exitCode;
  }
  if (err instanceof LlmSchemaError) {
    process.stderr.write(`llm-schema: ${escapeControl(err.message)}\n`);
    if (err instanceof RefusedError) for (const d of err.details) process.stderr.write(`  - ${escapeControl(d)}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    return err.exitCode;
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    process.stderr.write('llm-schema: the input is nested too deeply to process\n');
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    return 2;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.code === 'EPIPE') return 0;
  // The file system refused: an input problem the user can fix, not an internal error.
  const problem = e && typeof e === 'object' ? fsProblem(e.code) : undefined;
  if (problem) {
    const where = e.path ? String(e.path).replace(/\/\.([^/]+)\.tmp-\d+-[0-9a-f]+$/, '/$1') : undefined;
    const reads = ['scandir', 'stat', 'lstat', 'realpath', 'readlink', 'access'];
    const verb = e.syscall === 'open' || reads.includes(String(e.syscall)) ? 'access' : 'write';
    process.stderr.write(`llm-schema: cannot ${verb} ${escapeControl(where ?? 'a file')}: ${problem}\n`);
    if (debug && e.stack) process.stderr.write(e.stack + '\n');
    return 2;
  }
  process.stderr.write(`llm-schema: internal error: ${escapeControl(String(e?.message ?? err))}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && e?.stack) process.stderr.write(e.stack + '\n');
  return 70;
}

/** Run a command action: build its context, run it, set the exit code; output is flushed in every case. */
export async function run<C extends { out: { flush(): void } }>(makeContext: () => C, action: (ctx: C) => Promise<number | void>): Promise<void> {
  const ctx = makeContext();
  try {
    const code = await action(ctx);
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  } finally {
    ctx.out.flush();
  }
}

const invokedDirectly = process.argv[1] && /llm-schema(\.js)?$|cli[\\/]main\.js$/.test(process.argv[1]);
if (invokedDirectly) {
  processRole.cli = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  main().then((code) => {
    process.exitCode = code;
  });
}
