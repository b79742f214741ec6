import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { checkMode, CONFIG_FILE } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fsutil.js';
import type { CompatibilityMode } from '../../core/types.js';
import { COMPATIBILITY_MODES } from '../../core/types.js';
import { Context } from '../context.js';
import { run } from '../main.js';

interface Opts {
  yes?: boolean;
  compatibility?: string;
  schemasDir?: string;
  ci?: string[];
  force?: boolean;
}

const TEMPLATES = new URL('../../../templates/', import.meta.url);

/** CI and hook files init can write: template, destination, label. */
export const CI_FILES: Record<string, { template: string; dest: string; label: string }> = {
  github: { template: 'ci/github-workflow.yml', dest: '.github/workflows/llm-schema.yml', label: 'GitHub Actions workflow' },
  'pre-commit': { template: 'ci/pre-commit-config.yaml', dest: '.pre-commit-config.yaml', label: 'pre-commit config' },
  gitlab: { template: 'ci/gitlab-ci.yml', dest: '.gitlab/llm-schema.gitlab-ci.yml', label: 'GitLab CI job (include it from .gitlab-ci.yml)' },
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
      run(() => new Context<Opts>(cmd), async (ctx) => {
        const o = ctx.opts;
        const root = path.resolve(o.registry ?? process.cwd());
        const configFile = path.join(root, CONFIG_FILE);
        if (existsSync(configFile) && !o.force) {
          throw new UsageError(`${path.relative(process.cwd(), configFile) || CONFIG_FILE} already exists: this folder is a registry (use --force to rewrite the config)`);
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
          const answers = await inquirer.prompt<{ mode: CompatibilityMode; schemas: string; ci: string[] }>([
            { type: 'select', name: 'mode', message: 'Default compatibility mode', choices: [...COMPATIBILITY_MODES], default: mode },
            { type: 'input', name: 'schemas', message: 'Schemas folder', default: schemas },
            {
              type: 'checkbox',
              name: 'ci',
              message: 'CI and hook files to write',
              choices: Object.entries(CI_FILES).map(([value, f]) => ({ value, name: f.label, checked: ci.includes(value) })),
            },
          ]);
          mode = answers.mode;
          schemas = answers.schemas;
          ci = answers.ci;
        }
        if (ci.includes('none')) ci = [];
        for (const c of ci) if (!CI_FILES[c]) throw new UsageError(`unknown --ci '${c}': expected ${Object.keys(CI_FILES).join(', ')} or none`);
        if (path.isAbsolute(schemas) || schemas.split(/[\\/]/).includes('..') || schemas === '') {
          throw new UsageError(`--schemas-dir must be a folder inside the registry, got '${schemas}'`);
        }
        const vars = { compatibility: mode, schemas };
        const written: string[] = [];
        const skipped: string[] = [];
        await writeFileAtomic(configFile, (await template('registry/llm-schema.yaml', vars))!);
        written.push(CONFIG_FILE);
        const keep = path.join(root, schemas, '.gitkeep');
        if (!existsSync(keep)) {
          await writeFileAtomic(keep, '');
          written.push(`${schemas}/`);
        }
        // The lock file is transient: keep it out of commits.
        const gitignore = path.join(root, '.gitignore');
        const ignored = existsSync(gitignore) ? await fsp.readFile(gitignore, 'utf8') : '';
        // Also the leftovers of a killed locker (cleaned on the next lock): '*.lock.tmp-*', '*.lock.stale-*'.
        const missing = ['.llm-schema.lock', '*.lock.tmp-*', '*.lock.stale-*'].filter((p) => !new RegExp(`^/?${p.replace(/[.*]/g, (c) => (c === '.' ? '\\.' : '\\*'))}$`, 'm').test(ignored));
        if (missing.length) {
          await writeFileAtomic(gitignore, ignored + (ignored && !ignored.endsWith('\n') ? '\n' : '') + missing.join('\n') + '\n');
          written.push('.gitignore');
        }
        for (const c of ci) {
          const f = CI_FILES[c];
          const dest = path.join(root, f.dest);
          if (existsSync(dest)) {
            skipped.push(f.dest);
            continue;
          }
          const text = await template(f.template, vars);
          if (text === undefined) continue;
          await writeFileAtomic(dest, text);
          if (c === 'husky') await fsp.chmod(dest, 0o755);
          written.push(f.dest);
        }
        if (ctx.out.json) {
          ctx.out.printJson({ root, compatibility: mode, schemas, written, skipped });
          return;
        }
        ctx.out.line(`initialised an llm-schema registry in ${path.relative(process.cwd(), root) || '.'}`);
        for (const w of written) ctx.out.line(`  wrote ${w}`);
        for (const s of skipped) ctx.out.line(`  kept existing ${s}`);
        ctx.out.info(`next: llm-schema register --namespace myapp --name user-schema --file schema.json`);
      }),
    );
}
