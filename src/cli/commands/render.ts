import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { parseJson } from '../../model/json.js';
import { parseYaml } from '../../model/yaml.js';
import { renderJson, renderText } from '../../report/render.js';
import { Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  input?: string;
}

export function define(program: Command): void {
  program
    .command('render')
    .description('render a registered prompt template after validating its input (exit 1 with the schema errors when invalid)')
    .argument('[subject]', 'the prompt subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .option('--input <file>', "the template variables: a JSON (or YAML) object; '-' for stdin")
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          const ref = subjectFrom(o, subject)!;
          if (!o.input) throw new UsageError('which variables? pass --input vars.json');
          const text = await readInputFile(o.input);
          const where = o.input === '-' ? '<stdin>' : o.input;
          const input = /\.ya?ml$/i.test(o.input) ? parseYaml(text, where) : parseJson(text, where);
          const registry = await ctx.registry();
          const { renderRegistered } = await import('../../formats/prompt/render.js');
          const r = await renderRegistered(registry, ref, input, o.version);
          if (r.deprecated) ctx.out.warn(`${r.subject} ${r.version} is deprecated: ${r.deprecated}`);
          ctx.out.write(ctx.out.json ? renderJson(r) : renderText(r, await ctx.out.chalk()));
        },
      ),
    );
}
