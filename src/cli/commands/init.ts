import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { checkMode, CONFIG_FILE } from '../../core/config.js';
import { InterruptedError, UsageError } from '../../model/errors.js';
import { writeFileAtomic } from '../../storage/fsutil.js';
import type { CompatibilityMode } from '../../model/types.js';
import { COMPATIBILITY_MODES } from '../../model/types.js';
import { Context } from '../context.js';
import {
  findLayout,
  LEFTHOOK_FILES,
  LEFTHOOK_OTHER,
  mergeHusky,
  mergeLefthook,
  mergePreCommit,
  shellWord,
  templateVars,
  type Layout,
  type MergeResult,
} from '../init-files.js';
import { run } from '../main.js';

interface Opts {
  yes?: boolean;
  compatibility?: string;
  schemasDir?: string;
  ci?: string[];
  force?: boolean;
}

const TEMPLATES = new URL('../../../templates/', import.meta.url);

/** CI and hook files init can write: template, destination (from the repository top), label. */
export const CI_FILES: Record<string, { template: string; dest: string; label: string }> = {
  github: { template: 'ci/github-workflow.yml', dest: '.github/workflows/llm-schema.yml', label: 'GitHub Actions workflow' },
  'pre-commit': { template: 'ci/pre-commit-config.yaml', dest: '.pre-commit-config.yaml', label: 'pre-commit config' },
  gitlab: { template: 'ci/gitlab-ci.yml', dest: '.gitlab/llm-schema.gitlab-ci.yml', label: 'GitLab CI job (included from .gitlab-ci.yml)' },
  husky: { template: 'ci/husky-pre-commit', dest: '.husky/pre-commit', label: 'husky pre-commit hook' },
  lefthook: { template: 'ci/lefthook.yml', dest: 'lefthook.yml', label: 'lefthook config' },
};
const DEFAULT_CI = ['github', 'pre-commit'];

async function template(name: string, vars: Record<string, string>): Promise<string | undefined> {
  try {
    const text = await fsp.readFile(new URL(name, TEMPLATES), 'utf8');
    return text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  } catch {
    return undefined;
  }
}

export function define(program: Command): void {
  program
    .command('init')
    .description('scaffold a registry here: llm-schema.yaml, schemas/, a CI workflow and a pre-commit config')
    .option('-y, --yes', 'take the defaults without asking')
    .option('--compatibility <mode>', 'default compatibility mode', 'BACKWARD')
    .option('--schemas-dir <dir>', 'folder for the schemas', 'schemas')
    .option('--ci <name...>', `CI and hook files to write: ${Object.keys(CI_FILES).join(', ')}, or none`)
    .option('--force', 'overwrite an existing llm-schema.yaml')
    .action((_o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          const root = path.resolve(o.registry ?? process.cwd());
          const configFile = path.join(root, CONFIG_FILE);
          if (existsSync(configFile) && !o.force) {
            throw new UsageError(
              `${path.relative(process.cwd(), configFile) || CONFIG_FILE} already exists: this folder is a registry (use --force to rewrite the config)`,
            );
          }
          let mode: CompatibilityMode = checkMode(o.compatibility ?? 'BACKWARD');
          let schemas = o.schemasDir ?? 'schemas';
          let ci = o.ci ?? DEFAULT_CI;
          const interactive = !o.yes && process.stdin.isTTY && process.stdout.isTTY;
          if (!o.yes && !interactive) {
            throw new UsageError('no terminal to ask on: pass --yes to take the defaults (and --compatibility, --schemas-dir, --ci to change them)');
          }
          if (interactive) {
            const { default: inquirer } = await import('inquirer');
            const answers = await inquirer
              .prompt<{ mode: CompatibilityMode; schemas: string; ci: string[] }>([
                { type: 'select', name: 'mode', message: 'Default compatibility mode', choices: [...COMPATIBILITY_MODES], default: mode },
                { type: 'input', name: 'schemas', message: 'Schemas folder', default: schemas },
                {
                  type: 'checkbox',
                  name: 'ci',
                  message: 'CI and hook files to write',
                  choices: Object.entries(CI_FILES).map(([value, f]) => ({ value, name: f.label, checked: ci.includes(value) })),
                },
              ])
              .catch((err: Error) => {
                // Ctrl-C at a prompt: stop quietly, as a shell would (exit 130), with nothing written.
                if (err?.name === 'ExitPromptError' || err?.name === 'AbortPromptError') throw new InterruptedError();
                throw err;
              });
            mode = answers.mode;
            schemas = answers.schemas;
            ci = answers.ci;
          }
          if (ci.includes('none')) ci = [];
          for (const c of ci) if (!CI_FILES[c]) throw new UsageError(`unknown --ci '${c}': expected ${Object.keys(CI_FILES).join(', ')} or none`);
          if (path.isAbsolute(schemas) || schemas.split(/[\\/]/).includes('..') || schemas === '') {
            throw new UsageError(`--schemas-dir must be a folder inside the registry, got '${schemas}'`);
          }
          const layout = findLayout(root);
          const vars = templateVars(layout, schemas, mode);
          const written: string[] = [];
          const skipped: string[] = [];
          const merged: string[] = [];
          const next: string[] = [];
          const writes: Array<{ dest: string; text: string; exec: boolean }> = [];
          const fromCwd = (p: string) => path.relative(process.cwd(), p) || '.';
          for (const c of ci) {
            const f = CI_FILES[c];
            let dest = path.join(layout.top, f.dest);
            if (c === 'lefthook') {
              const other = LEFTHOOK_OTHER.find((n) => existsSync(path.join(layout.top, n)));
              const found = LEFTHOOK_FILES.find((n) => existsSync(path.join(layout.top, n)));
              if (other && !found) {
                skipped.push(fromCwd(path.join(layout.top, other)));
                next.push(`add to ${other}: a pre-commit command running '${vars.hookCommand}'`);
                continue;
              }
              if (found) dest = path.join(layout.top, found);
            }
            const rel = fromCwd(dest);
            const text = await template(f.template, { ...vars, dest: f.dest });
            if (text === undefined) continue;
            if (existsSync(dest)) {
              const old = await fsp.readFile(dest, 'utf8');
              const result =
                c === 'husky'
                  ? mergeHusky(old, vars.hookCommand)
                  : c === 'lefthook'
                    ? mergeLefthook(old, rel, `${vars.globPrefix}{${schemas}/**/*,llm-schema.yaml}`, vars.hookCommand)
                    : c === 'pre-commit'
                      ? mergePreCommit(old, rel, text)
                      : ({ text: old, action: 'unchanged' } as MergeResult);
              if (result.action === 'refused') {
                skipped.push(rel);
                ctx.out.warn(`left ${rel} alone: ${result.reason}; add a command running '${vars.hookCommand}' to it`);
              } else if (result.action === 'unchanged' || result.text === old) {
                skipped.push(rel);
              } else {
                writes.push({ dest, text: result.text, exec: c === 'husky' });
                merged.push(rel);
              }
            } else {
              writes.push({ dest, text, exec: c === 'husky' });
              written.push(rel);
            }
            next.push(nextStep(c, layout, f.dest));
          }
          if (!layout.hasPackageJson && ci.length) {
            const where = fromCwd(layout.top) === '.' ? '' : ` (in ${fromCwd(layout.top)})`;
            next.unshift(`npm install --save-dev llm-schema-registry${where}   (CI and the hooks run the version package-lock.json pins)`);
          }
          // Everything is worked out (existing files parsed) before anything is written.
          const base: string[] = [];
          await writeFileAtomic(configFile, (await template('registry/llm-schema.yaml', vars))!);
          base.push(CONFIG_FILE);
          const keep = path.join(root, schemas, '.gitkeep');
          if (!existsSync(keep)) {
            await writeFileAtomic(keep, '');
            base.push(`${schemas}/`);
          }
          // The lock file is transient: keep it out of commits.
          const gitignore = path.join(root, '.gitignore');
          const ignored = existsSync(gitignore) ? await fsp.readFile(gitignore, 'utf8') : '';
          // Also the leftovers of a killed locker (cleaned on the next lock): '*.lock.tmp-*', '*.lock.stale-*'.
          const missing = ['.llm-schema.lock', '*.lock.tmp-*', '*.lock.stale-*'].filter(
            (p) => !new RegExp(`^/?${p.replace(/[.*]/g, (c) => (c === '.' ? '\\.' : '\\*'))}$`, 'm').test(ignored),
          );
          if (missing.length) {
            await writeFileAtomic(gitignore, ignored + (ignored && !ignored.endsWith('\n') ? '\n' : '') + missing.join('\n') + '\n');
            base.push('.gitignore');
          }
          for (const w of writes) {
            await writeFileAtomic(w.dest, w.text);
            if (w.exec) await fsp.chmod(w.dest, 0o755);
          }
          written.unshift(...base);

          if (ci.length && !layout.inGit)
            ctx.out.warn(`${fromCwd(root)} is not in a git repository: run 'git init' there (CI files and hooks are written beside the registry)`);
          next.push(
            `npx llm-schema register --namespace myapp --name user-schema --file schema.json${layout.registry && process.cwd() !== root ? ` --registry ${shellWord(fromCwd(root))}` : ''}`,
          );
          if (ctx.out.json) {
            ctx.out.printJson({ root, repository: layout.inGit ? layout.top : null, compatibility: mode, schemas, written, merged, skipped, next });
            return;
          }
          ctx.out.line(`initialised an llm-schema registry in ${fromCwd(root)}`);
          for (const w of written) ctx.out.line(`  wrote ${w}`);
          for (const m of merged) ctx.out.line(`  added llm-schema to ${m}`);
          for (const s of skipped) ctx.out.line(`  kept existing ${s}`);
          ctx.out.line('next:');
          for (const n of next) ctx.out.line(`  ${n}`);
        },
      ),
    );
}

/** What to do after init wrote the file for one choice. */
function nextStep(choice: string, layout: Layout, dest: string): string {
  switch (choice) {
    case 'github':
      return `commit ${dest}; then make 'llm-schema / check' a required status check of the default branch`;
    case 'gitlab':
      return `include the job from .gitlab-ci.yml:  include: [{ local: ${dest} }]`;
    case 'pre-commit':
      return 'pre-commit install   (makes git run .pre-commit-config.yaml on every commit)';
    case 'husky':
      return `npm install --save-dev husky${layout.pkg ? ` --prefix ${shellWord(layout.pkg)}` : ''} && npx husky   (not 'npx husky init': it replaces .husky/pre-commit); add "prepare": "husky" to package.json's scripts`;
    case 'lefthook':
      return `npm install --save-dev lefthook${layout.pkg ? ` --prefix ${shellWord(layout.pkg)}` : ''} && npx lefthook install   (makes git run lefthook.yml on every commit)`;
    default:
      return '';
  }
}
