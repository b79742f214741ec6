/**
 * `llm-schema auth add|remove|list`: the users of `serve --auth-file`. Only salted scrypt hashes are
 * written; a generated token is printed once, alone on stdout.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import { acquireLock, removeStaleTemps, withWriteGuard, writeFileAtomic, type WriteGuard } from '../../storage/fsutil.js';
import { InputError, LlmSchemaError, NotFoundError, UsageError } from '../../model/errors.js';
import { Context } from '../context.js';
import { run } from '../main.js';

interface AddOpts {
  file: string;
  namespaces?: string;
  token?: boolean;
}

const HEADER = '# llm-schema serve --auth-file: hashes only, never plain secrets (written by `llm-schema auth add`)\n';

export function define(program: Command): void {
  const auth = program
    .command('auth')
    .description('manage the users of `serve --auth-file` (salted scrypt hashes of passwords or tokens, and the namespaces each may read)');
  auth
    .command('add <name>')
    .description('add or update a user: a password (asked on a TTY, else the first line of stdin) or, with --token, a generated token printed once')
    .requiredOption('--file <file>', 'the auth file (created when missing)')
    .option(
      '--namespaces <list>',
      "comma-separated namespaces the user may read: 'shop', 'billing.*' (everything under billing), '*' (all); required for a new user",
    )
    .option('--token', 'generate a random bearer token instead of a password, print it once on stdout and store its hash')
    .action((name: string, _o, cmd: Command) =>
      run(
        () => new Context<AddOpts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          const { checkPattern, hashSecret, newToken, parseAuthFile } = await import('../../server/auth.js');
          if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/.test(name))
            throw new UsageError(`invalid user name '${name}': 1-128 letters, digits, '.', '_', '@' or '-'`);
          let namespaces: string[] | undefined;
          if (o.namespaces !== undefined) {
            namespaces = o.namespaces
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
            const bad = namespaces.find((n) => !checkPattern(n));
            if (!namespaces.length || bad !== undefined)
              throw new UsageError(`invalid --namespaces '${o.namespaces}': ${bad ? `'${bad}' is not a namespace, 'ns.*' or '*'` : 'give at least one'}`);
          }
          // Refuse early what the file would refuse (before asking for a password) ...
          {
            const { doc, text } = await readDoc(o.file);
            parseAuthFile(text, o.file); // refuse to edit a file serve would refuse
            const found = usersOf(doc, o.file).items.some((u) => isMap(u) && u.get('name') === name);
            if (!found && !namespaces) throw new UsageError(`--namespaces is required for a new user ('${name}' is not in ${o.file})`);
          }
          // ... then the slow part (a password from stdin, scrypt) outside the lock ...
          const secret = o.token ? newToken() : await readPassword(name);
          const hash = await hashSecret(secret);
          // ... and the read-modify-write under an exclusive lock, so that no concurrent add or remove is lost.
          const existed = await withAuthLock(
            o.file,
            async (guard) => {
              const { doc, text } = await readDoc(o.file);
              parseAuthFile(text, o.file);
              const users = usersOf(doc, o.file);
              const existing = users.items.find((u) => isMap(u) && u.get('name') === name) as YAMLMap | undefined;
              if (!existing && !namespaces) throw new UsageError(`--namespaces is required for a new user ('${name}' is not in ${o.file})`);
              const entry = existing ?? new YAMLMap();
              if (!existing) {
                entry.set('name', name);
                users.items.push(entry);
              }
              entry.delete(o.token ? 'password' : 'token');
              entry.set(o.token ? 'token' : 'password', hash);
              if (namespaces) entry.set('namespaces', doc.createNode(namespaces, { flow: true }));
              guard.checkpoint();
              await writeSecure(o.file, (text.trim() === '' ? HEADER : '') + doc.toString({ lineWidth: 0 }));
              return !!existing;
            },
            (existed) =>
              `user ${name} was ${existed ? 'updated' : 'added'} in ${o.file}${o.token ? " (its token was not shown: run 'auth add --token' again)" : ''}`,
          );
          // Messages go to stderr: stdout holds the token alone, for `TOKEN=$(llm-schema auth add ...)`.
          process.stderr.write(`${existed ? 'updated' : 'added'} user ${name} in ${o.file}${o.token ? ' (bearer token below; it is shown only once)' : ''}\n`);
          if (o.token) ctx.out.line(secret);
        },
      ),
    );
  auth
    .command('remove <name>')
    .description('remove a user')
    .requiredOption('--file <file>', 'the auth file')
    .action((name: string, _o, cmd: Command) =>
      run(
        () => new Context<{ file: string }>(cmd),
        async (ctx) => {
          const { parseAuthFile } = await import('../../server/auth.js');
          await withAuthLock(
            ctx.opts.file,
            async (guard) => {
              const { doc, text, exists } = await readDoc(ctx.opts.file);
              if (!exists) throw new InputError('no such auth file', { file: ctx.opts.file });
              parseAuthFile(text, ctx.opts.file);
              const users = usersOf(doc, ctx.opts.file);
              const i = users.items.findIndex((u) => isMap(u) && u.get('name') === name);
              if (i < 0) throw new NotFoundError(`no user '${name}' in ${ctx.opts.file}`, 'subject');
              users.items.splice(i, 1);
              guard.checkpoint();
              await writeSecure(ctx.opts.file, doc.toString({ lineWidth: 0 }));
            },
            () => `user ${name} was removed from ${ctx.opts.file}`,
          );
          if (ctx.out.json) ctx.out.printJson({ removed: name, file: ctx.opts.file });
          else ctx.out.line(`removed user ${name} from ${ctx.opts.file}`);
        },
      ),
    );
  auth
    .command('list')
    .description('list the users: name, kind (password or token) and namespaces; never the hashes')
    .requiredOption('--file <file>', 'the auth file')
    .action((_o, cmd: Command) =>
      run(
        () => new Context<{ file: string }>(cmd),
        async (ctx) => {
          const { readAuthFile } = await import('../../server/auth.js');
          const { users } = await readAuthFile(ctx.opts.file);
          const rows = users.map((u) => ({ name: u.name, kind: u.token ? 'token' : 'password', namespaces: u.namespaces }));
          if (ctx.out.json) ctx.out.printJson({ users: rows });
          else if (!rows.length) ctx.out.line('no users');
          else for (const r of rows) ctx.out.line(`${r.name}  ${r.kind}  ${r.namespaces.join(',')}`);
        },
      ),
    );
}

async function readDoc(file: string): Promise<{ doc: Document; text: string; exists: boolean }> {
  let text = '';
  let exists = true;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'ENOENT') throw new InputError(`cannot read the auth file: ${e.code ?? e.message}`, { file });
    exists = false;
  }
  const doc = parseDocument(text.trim() === '' ? 'users: []\n' : text);
  return { doc, text, exists };
}

function usersOf(doc: Document, file: string) {
  let users = doc.get('users');
  if (users === undefined || users === null) {
    doc.set('users', doc.createNode([]));
    users = doc.get('users');
  }
  if (!isSeq(users)) throw new InputError("'users' must be a list", { file });
  // Block style, one user per entry, whatever the file had for an empty list.
  users.flow = false;
  return users;
}

/**
 * Run fn holding an exclusive lock on the auth file (`<file>.lock`): concurrent `auth add` and `auth remove`
 * read-modify-write one after the other, so none is lost and a removal is never undone. A killed holder's
 * lock is taken over.
 */
async function withAuthLock<T>(file: string, fn: (guard: WriteGuard) => Promise<T>, completed: (value: T) => string): Promise<T> {
  const abs = path.resolve(file);
  await fsp.mkdir(path.dirname(abs), { recursive: true }).catch(() => {});
  const lock = await acquireLock(`${abs}.lock`, 30_000, `the auth file ${file}`);
  try {
    await removeStaleTemps(path.dirname(abs), path.basename(abs));
    return await withWriteGuard(`the auth file ${file} is unchanged`, fn, completed);
  } finally {
    await lock.release();
  }
}

/** Write atomically (temporary file, fsync, rename), readable by the owner only for a new file. */
async function writeSecure(file: string, content: string): Promise<void> {
  let mode = 0o600;
  try {
    mode = (await fsp.stat(file)).mode & 0o777;
  } catch {
    // new file
  }
  try {
    await writeFileAtomic(path.resolve(file), content, { mode });
  } catch (err) {
    if (err instanceof LlmSchemaError) throw err;
    throw new InputError(`cannot write the auth file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
}

/** A password: asked twice with hidden input on a TTY; else the first line of stdin. */
async function readPassword(name: string): Promise<string> {
  let pw: string;
  if (process.stdin.isTTY) {
    pw = await askHidden(`password for ${name}: `);
    const again = await askHidden('again: ');
    if (pw !== again) throw new UsageError('the two passwords differ');
  } else {
    pw = await firstLineOfStdin();
  }
  if (pw.length < 8) throw new UsageError('the password is too short: at least 8 characters');
  if (pw.length > 1024) throw new UsageError('the password is too long: at most 1024 characters');
  return pw;
}

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    const b = c as Buffer;
    chunks.push(b);
    size += b.length;
    if (b.includes(0x0a) || size > 64 * 1024) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const nl = text.indexOf('\n');
  const line = (nl === -1 ? text : text.slice(0, nl)).replace(/\r$/, '');
  if (line === '') throw new UsageError('no password on stdin: pipe it as the first line (or run on a terminal to be asked)');
  return line;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
