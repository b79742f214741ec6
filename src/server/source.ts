/**
 * Where the served snapshot comes from, and when to reload it: the working tree (a cheap fingerprint of
 * the config and every subject.yaml, polled) or a git ref (its commit id, polled). A load that fails
 * keeps the last good snapshot; a bad commit is remembered and skipped until the ref moves again.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, parseConfig } from '../core/config.js';
import { SUBJECT_FILE } from '../core/subject.js';
import { FsStorage } from '../storage/fs.js';
import { buildSnapshot } from './load.js';
import type { Snapshot } from './snapshot.js';

export interface SnapshotSource {
  /** 'working tree' or 'ref main'. */
  readonly label: string;
  /** A token that changes when the content may have changed (cheap). */
  fingerprint(): Promise<string>;
  /** Load a snapshot of the state the token describes. */
  load(token: string): Promise<Snapshot>;
}

export class WorkingTreeSource implements SnapshotSource {
  readonly label = 'working tree';
  constructor(readonly root: string) {}

  async fingerprint(): Promise<string> {
    const parts: string[] = [];
    const stamp = async (rel: string) => {
      try {
        const st = await fsp.stat(path.join(this.root, rel));
        parts.push(`${rel}:${st.ino}:${st.size}:${st.mtimeMs}`);
      } catch {
        parts.push(`${rel}:-`);
      }
    };
    await stamp(CONFIG_FILE);
    let schemas = 'schemas';
    try {
      schemas = parseConfig(await fsp.readFile(path.join(this.root, CONFIG_FILE), 'utf8'), CONFIG_FILE).schemas;
    } catch {
      // a broken config: the load reports it
    }
    const list = async (rel: string) => {
      try {
        return (await fsp.readdir(path.join(this.root, rel), { withFileTypes: true }))
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    };
    for (const ns of await list(schemas)) {
      for (const name of await list(`${schemas}/${ns}`)) await stamp(`${schemas}/${ns}/${name}/${SUBJECT_FILE}`);
    }
    return parts.join('\n');
  }

  load(): Promise<Snapshot> {
    return buildSnapshot(this.root, new FsStorage(this.root), this.label);
  }
}

export class GitRefSource implements SnapshotSource {
  readonly label: string;
  private gitPromise?: Promise<import('../storage/git.js').GitContext>;

  constructor(
    readonly root: string,
    readonly ref: string,
  ) {
    this.label = `ref ${ref}`;
  }

  private async git() {
    const { openGit } = await import('../storage/git.js');
    if (!this.gitPromise) {
      this.gitPromise = openGit(this.root);
      this.gitPromise.catch(() => (this.gitPromise = undefined));
    }
    return this.gitPromise;
  }

  async fingerprint(): Promise<string> {
    const { resolveRef } = await import('../storage/git.js');
    return resolveRef(await this.git(), this.ref);
  }

  async load(commit: string): Promise<Snapshot> {
    const { GitTreeStorage } = await import('../storage/git.js');
    const storage = new GitTreeStorage(await this.git(), commit, `${this.ref} (${commit.slice(0, 12)})`);
    await storage.preload(); // one ls-tree and one pipelined cat-file batch for the whole registry
    const snap = await buildSnapshot(this.root, storage, this.label, commit);
    // The registering commits the web UI shows: walked now, in the background, so no request reads git.
    const { loadHistory } = await import('./history.js');
    loadHistory(snap, await this.git());
    return snap;
  }
}

export interface ReloaderEvents {
  loaded(snapshot: Snapshot, previous: Snapshot): void;
  failed(error: Error, token: string): void;
}

/** Polls the source and hands each new good snapshot to `loaded`. */
export class Reloader {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastToken: string;
  private badToken?: string;

  constructor(
    private source: SnapshotSource,
    private current: Snapshot,
    firstToken: string,
    private events: ReloaderEvents,
  ) {
    this.lastToken = firstToken;
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.check(false), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reload when the source changed (or always, when forced: SIGHUP). */
  check(force: boolean): Promise<void> {
    if (this.running) return this.running;
    this.running = this.doCheck(force).finally(() => (this.running = undefined));
    return this.running;
  }

  private async doCheck(force: boolean): Promise<void> {
    let token: string;
    try {
      token = await this.source.fingerprint();
    } catch (err) {
      if (force) this.events.failed(err as Error, '');
      return;
    }
    if (!force && (token === this.lastToken || token === this.badToken)) return;
    try {
      const next = await this.source.load(token);
      const previous = this.current;
      this.current = next;
      this.lastToken = token;
      this.badToken = undefined;
      this.events.loaded(next, previous);
    } catch (err) {
      this.badToken = token;
      this.events.failed(err as Error, token);
    }
  }
}
