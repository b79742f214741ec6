import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { RefusedError, UsageError } from '../../model/errors.js';
import { Context } from '../context.js';
import { run } from '../main.js';

const MARKER = '# llm-schema pre-commit hook';

interface Opts {
  force?: boolean;
}

export function define(program: Command): void {
  const hook = program.command('hook').description('manage the git pre-commit hook that runs `llm-schema check --staged`');
  hook
    .command('install')
    .description('write a git pre-commit hook running `llm-schema check --staged` (honours core.hooksPath; works in worktrees)')
    .option('--force', "replace an existing pre-commit hook that is not llm-schema's (the old one is kept as pre-commit.backup)")
    .action((_o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const { file, prefix } = await hookFile(ctx);
          const script = hookScript(prefix);
          let action: 'installed' | 'updated' | 'unchanged' | 'replaced' = 'installed';
          if (existsSync(file)) {
            const old = readFileSync(file, 'utf8');
            if (old === script) action = 'unchanged';
            else if (old.includes(MARKER)) action = 'updated';
            else if (ctx.opts.force) {
              renameSync(file, file + '.backup');
              action = 'replaced';
            } else {
              throw new RefusedError(
                `refused: ${file} already exists and is not llm-schema's hook: pass --force to replace it (kept as pre-commit.backup), or add 'npx --no-install llm-schema check --staged' to it`,
              );
            }
          }
          if (action !== 'unchanged') {
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, script);
          }
          chmodSync(file, 0o755);
          if (ctx.out.json) ctx.out.printJson({ hook: file, action });
          else ctx.out.line(`${action === 'unchanged' ? 'already installed' : action} pre-commit hook: ${path.relative(process.cwd(), file) || file}`);
        },
      ),
    );
  hook
    .command('uninstall')
    .description("remove llm-schema's pre-commit hook (a foreign hook is left alone)")
    .action((_o, cmd: Command) =>
      run(
        () => new Context(cmd),
        async (ctx) => {
          const { file } = await hookFile(ctx);
          let action = 'absent';
          if (existsSync(file)) {
            if (!readFileSync(file, 'utf8').includes(MARKER)) throw new RefusedError(`refused: ${file} is not llm-schema's hook; left alone`);
            rmSync(file);
            action = 'removed';
            if (existsSync(file + '.backup')) {
              renameSync(file + '.backup', file);
              action = 'restored the previous hook';
            }
          }
          if (ctx.out.json) ctx.out.printJson({ hook: file, action });
          else ctx.out.line(`${action}: ${path.relative(process.cwd(), file) || file}`);
        },
      ),
    );
}

/** Where git runs the pre-commit hook from (git itself answers: core.hooksPath, worktrees), and the registry's folder. */
async function hookFile(ctx: Context<object>): Promise<{ file: string; prefix: string }> {
  const root = ctx.registryRoot() ?? process.cwd();
  const { openGit, runGit, gitInputError } = await import('../../storage/git.js');
  const git = await openGit(root);
  if (!ctx.registryRoot()) throw new UsageError("no registry found: no llm-schema.yaml in this folder or above (run 'llm-schema init' first)");
  if (git.engine === 'iso') return { file: path.join(git.commondir, 'hooks', 'pre-commit'), prefix: git.prefix };
  const rel = (await runGit(git.dir, ['rev-parse', '--git-path', 'hooks/pre-commit']).catch((err) => Promise.reject(gitInputError(err)))).trim();
  const file = rel.startsWith('~/') ? path.join(process.env.HOME ?? '', rel.slice(2)) : path.resolve(git.dir, rel);
  return { file, prefix: git.prefix };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The hook: the project's own llm-schema first, then one on PATH, then this installation, then npx. */
export function hookScript(prefix: string): string {
  const bin = fileURLToPath(new URL('../../../bin/llm-schema.js', import.meta.url));
  const args = `check --staged --quiet${prefix ? ` --registry ${shellQuote(prefix)}` : ''}`;
  return `#!/bin/sh
${MARKER} (written by 'llm-schema hook install'; remove with 'llm-schema hook uninstall').
# Checks the staged schema changes; a failing check stops the commit ('git commit --no-verify' skips it).
if [ -x ./node_modules/.bin/llm-schema ]; then
  exec ./node_modules/.bin/llm-schema ${args}
elif command -v llm-schema >/dev/null 2>&1; then
  exec llm-schema ${args}
elif [ -f ${shellQuote(bin)} ]; then
  exec node ${shellQuote(bin)} ${args}
else
  exec npx --no-install llm-schema ${args}
fi
`;
}
