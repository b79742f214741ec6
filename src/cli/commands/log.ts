import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { subjectName } from '../../core/names.js';
import type { SubjectMeta } from '../../core/types.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  limit?: string;
  ref?: string;
}

interface LogEntry {
  commit: string;
  author: { name: string; email: string };
  date: string;
  message: string;
  /** Versions this commit registered. */
  versions: string[];
  /** Versions this commit deprecated. */
  deprecated: string[];
  change: 'created' | 'registered' | 'deprecated' | 'metadata' | 'deleted' | 'files';
}

export function define(program: Command): void {
  program
    .command('log')
    .description("a subject's history from git: who registered which version, when, in which commit (newest first)")
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--ref <ref>', 'start from this ref instead of HEAD', 'HEAD')
    .option('-n, --limit <n>', 'show at most N commits')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(() => new Context<Opts>(cmd), async (ctx) => {
        const ref = subjectFrom(ctx.opts, subject)!;
        const limit = ctx.opts.limit === undefined ? Infinity : Number(ctx.opts.limit);
        if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`invalid --limit '${ctx.opts.limit}': expected a positive whole number`);
        const registry = await ctx.registry();
        const { openGit, resolveRef, GitStorageError } = await import('../../storage/git.js');
        const { parseSubject } = await import('../../core/subject.js');
        const git = await openGit(registry.root);
        const dir = [git.prefix, registry.subjectDir(ref)].filter(Boolean).join('/');
        const parts = dir.split('/');

        // Tree ids along the subject's path, memoised by tree id.
        const trees = new Map<string, Map<string, { oid: string; type: string }>>();
        const readTree = async (oid: string) => {
          let t = trees.get(oid);
          if (!t) {
            t = await git.objects.tree(oid);
            trees.set(oid, t);
          }
          return t;
        };
        const subjectTree = async (tree: string): Promise<string | undefined> => {
          let oid = tree;
          for (const p of parts) {
            const e = (await readTree(oid)).get(p);
            if (!e || e.type !== 'tree') return undefined;
            oid = e.oid;
          }
          return oid;
        };
        const metaAt = async (treeOid: string | undefined): Promise<SubjectMeta | undefined> => {
          if (!treeOid) return undefined;
          const e = (await readTree(treeOid)).get('subject.yaml');
          if (!e) return undefined;
          try {
            const blob = await git.objects.blob(e.oid);
            return parseSubject(blob!.toString('utf8'), 'subject.yaml');
          } catch (err) {
            if (err instanceof GitStorageError) throw err; // a damaged repository, not a bad subject.yaml
            return undefined;
          }
        };

        type C = { oid: string; commit: import('../../storage/git.js').CommitInfo; sub?: string };
        const commits = new Map<string, Promise<C | undefined>>();
        let truncated = false;
        const load = (oid: string) => {
          let p = commits.get(oid);
          if (!p) {
            p = (async () => {
              try {
                const commit = await git.objects.commit(oid);
                return { oid, commit, sub: await subjectTree(commit.tree) };
              } catch (err) {
                if (!git.shallow) throw err;
                truncated = true; // a shallow clone's boundary
                return undefined;
              }
            })();
            commits.set(oid, p);
          }
          return p;
        };

        const start = await resolveRef(git, ctx.opts.ref ?? 'HEAD');
        const queue: C[] = [];
        const seen = new Set<string>();
        const push = async (oid: string) => {
          if (seen.has(oid)) return;
          seen.add(oid);
          const c = await load(oid);
          if (c) queue.push(c);
        };
        await push(start);
        const out: LogEntry[] = [];
        while (queue.length && out.length < limit) {
          queue.sort((a, b) => b.commit.committer.timestamp - a.commit.committer.timestamp);
          const c = queue.shift()!;
          const parents = (await Promise.all(c.commit.parent.map(load))).filter((p): p is C => !!p);
          const same = parents.find((p) => p.sub === c.sub);
          if (same) {
            // Unchanged here: follow the parent it came from (git's history simplification).
            if (c.sub !== undefined || same.sub !== undefined) await push(same.oid);
            continue;
          }
          if (c.sub === undefined && parents.every((p) => p.sub === undefined) && c.commit.parent.length) continue;
          const meta = await metaAt(c.sub);
          const prev = parents[0] ? await metaAt(parents[0].sub) : undefined;
          const before = new Map((prev?.versions ?? []).map((v) => [v.version, v]));
          const versions = (meta?.versions ?? []).filter((v) => !before.has(v.version)).map((v) => v.version);
          const deprecated = (meta?.versions ?? []).filter((v) => v.state === 'deprecated' && before.get(v.version)?.state === 'active').map((v) => v.version);
          const change: LogEntry['change'] =
            c.sub === undefined ? 'deleted' : !prev ? 'created' : versions.length ? 'registered' : deprecated.length ? 'deprecated' : meta && prev && JSON.stringify(meta) !== JSON.stringify(prev) ? 'metadata' : 'files';
          const a = c.commit.author;
          out.push({
            commit: c.oid,
            author: { name: a.name, email: a.email },
            date: new Date(a.timestamp * 1000).toISOString(),
            message: c.commit.message.replace(/\n+$/, ''),
            versions,
            deprecated,
            change,
          });
          for (const p of parents) if (p.sub !== undefined) await push(p.oid);
        }
        if (!out.length && !(await registry.readSubject(ref))) throw new NotFoundError(`unknown subject '${subjectName(ref)}'`, 'subject');
        if (ctx.out.json) {
          ctx.out.printJson({ subject: subjectName(ref), truncated, commits: out });
          return;
        }
        if (!out.length) {
          ctx.out.line(`${subjectName(ref)} has no committed history yet`);
          return;
        }
        const rows = out.map((e) => ({
          what: e.versions.length ? e.versions.join(', ') : e.deprecated.length ? `deprecated ${e.deprecated.join(', ')}` : e.change,
          e,
        }));
        const width = Math.min(40, Math.max(...rows.map((r) => r.what.length)));
        for (const { what, e } of rows) {
          ctx.out.line(`${what.padEnd(width)}  ${e.commit.slice(0, 7)}  ${e.date.slice(0, 19).replace('T', ' ')}  ${e.author.name} <${e.author.email}>  ${e.message.split('\n')[0]}`);
        }
        if (truncated) ctx.out.warn("the history stops early: this is a shallow clone ('git fetch --unshallow' fetches the rest)");
      }),
    );
}


