import { Option, type Command } from 'commander';
import { checkKind } from '../../core/subject.js';
import { UsageError } from '../../model/errors.js';
import type { SchemaReference } from '../../model/types.js';
import { formatOfFile } from '../../formats/index.js';
import { collect, Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { registerJson, registerText, type RegisterView } from '../../report/changes.js';

interface Opts {
  namespace?: string;
  name?: string;
  file?: string;
  version?: string;
  type?: string;
  description?: string;
  owner?: string[];
  tag?: string[];
  kind?: string;
  reference?: string[];
  dryRun?: boolean;
  allowBreaking?: string;
  policy?: string;
  protoPath?: string[];
  message?: string;
  commit?: boolean;
  commitMessage?: string;
  author?: string;
  textChange?: string;
}

/** `name=subject@version` */
function parseReference(spec: string): SchemaReference {
  const m = /^([^=]+)=([^@]+)@(.+)$/.exec(spec);
  if (!m) throw new UsageError(`invalid --reference '${spec}': expected NAME=NAMESPACE.SUBJECT@VERSION`);
  return { name: m[1], subject: m[2], version: m[3] };
}

export function define(program: Command): void {
  program
    .command('register')
    .description('register a schema version (the version is chosen from the change unless --version is given)')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--file <file>', "the schema file ('-' for stdin)")
    .option('--version <version>', 'the version to register (refused if it understates the change)')
    .option('--type <type>', 'json, avro or protobuf (default: from the file extension)')
    .option('--description <text>', 'subject description')
    .option('--owner <owner>', 'subject owner (repeatable)', collect)
    .option('--tag <tag>', 'subject tag (repeatable)', collect)
    .option('--kind <kind>', 'prompt, response, tool, event or data')
    .option('--reference <ref>', 'a reference NAME=NAMESPACE.SUBJECT@VERSION (repeatable)', collect)
    .option('--policy <policy>', 'compatibility policy: semantic|lenient (JSON Schema), wire|strict (Protobuf)')
    .option('--allow-breaking <reason>', 'approve an intentional break; the reason is recorded in subject.yaml')
    .option('--text-change <bump>', 'prompts: the bump a change of the template text needs: patch (default), minor or major')
    .option('--proto-path <dir>', 'folder to resolve Protobuf imports against (repeatable)', collect)
    .option('--dry-run', 'say what would happen; write nothing')
    .option('--commit', 'commit the new files with git')
    .option('-m, --message <text>', 'commit message (with --commit)')
    .addOption(new Option('--commit-message <text>', 'same as --message').hideHelp())
    .option('--author <author>', 'commit author "Name <email>" (with --commit; default: git config)')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          const ref = subjectFrom(o, subject)!;
          if (!o.file) throw new UsageError('which schema? pass --file FILE');
          if ((o.message !== undefined || o.commitMessage !== undefined) && !o.commit)
            throw new UsageError('--message is the commit message: it goes with --commit');
          const format = formatOfFile(o.file, o.type);
          const kind = o.kind === undefined ? undefined : checkKind(o.kind);
          const references = (o.reference ?? []).map(parseReference);
          if (o.textChange !== undefined && !['patch', 'minor', 'major'].includes(o.textChange))
            throw new UsageError(`invalid --text-change '${o.textChange}': expected patch, minor or major`);
          if (o.textChange !== undefined && format !== 'prompt') throw new UsageError('--text-change goes with prompt templates (.prompt files)');
          const text = await readInputFile(o.file);
          const registry = await ctx.registry();
          // With --commit, refuse before writing when no commit could be made (no repository, no author).
          // (isomorphic-git is heavy: loaded only with --commit.)
          const git = o.commit && !o.dryRun ? await import('../../core/commit.js') : undefined;
          if (git) await git.checkCanCommit(registry.root, o.author);
          const spinner = await ctx.out.spinner(`registering ${ref.namespace}.${ref.name}`);
          let result;
          let commit: { commit: string; author: string } | undefined;
          try {
            result = await registry.register({
              ...ref,
              text,
              file: o.file === '-' ? '<stdin>' : o.file,
              format,
              version: o.version,
              description: o.description,
              owners: o.owner,
              tags: o.tag,
              kind,
              references,
              allowBreaking: o.allowBreaking,
              dryRun: o.dryRun,
              policy: o.policy,
              textChange: o.textChange as 'patch' | 'minor' | 'major' | undefined,
              parseOptions: { protoPaths: o.protoPath, file: o.file },
              // The commit runs under the registry lock: a concurrent register --commit waits for it instead
              // of finding git's index locked.
              afterWrite: git
                ? async (written) => {
                    commit = await git.commitRegistered(registry, ref, written, { message: o.message ?? o.commitMessage, author: o.author });
                  }
                : undefined,
            });
          } finally {
            spinner.stop();
          }
          const view: RegisterView = { ...result, file: registry.display(result.file), commit };
          if (ctx.out.json) {
            ctx.out.write(registerJson(view));
            return;
          }
          const { out, notes } = registerText(view, { paint: await ctx.out.chalk() });
          ctx.out.write(out);
          for (const n of notes) ctx.out.info(n);
          for (const w of result.warnings)
            ctx.out.warn(`${registry.display(o.file === '-' ? '<stdin>' : o.file)}${w.line ? `:${w.line}:${w.column ?? 1}` : ''}: ${w.message} (${w.rule})`);
        },
      ),
    );
}
