import type { Reporter } from './types.js';

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' } as const;

/** SARIF 2.1.0: one run, the rule table as tool.driver.rules, one result per finding. */
export const sarif: Reporter = (result, ctx) => {
  const ids = Object.keys(ctx.rules);
  const rules = ids.map((id) => ({
    id,
    name: id
      .toLowerCase()
      .replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
      .replace(/^[a-z]/, (c) => c.toUpperCase()),
    shortDescription: { text: ctx.rules[id].purpose },
    defaultConfiguration: { level: LEVEL[ctx.rules[id].severity] },
    helpUri: 'https://www.npmjs.com/package/llm-schema-registry',
  }));
  const results = result.findings.map((f) => {
    const r: Record<string, unknown> = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: f.message },
    };
    const idx = ids.indexOf(f.rule);
    if (idx >= 0) r.ruleIndex = idx;
    if (f.file) {
      const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: f.file.split('\\').join('/') } };
      if (f.line !== undefined) physicalLocation.region = { startLine: f.line, ...(f.column !== undefined ? { startColumn: f.column } : {}) };
      r.locations = [{ physicalLocation }];
    }
    if (f.subject || f.args) r.properties = { ...(f.subject ? { subject: f.subject } : {}), ...(f.version ? { version: f.version } : {}), ...(f.args ?? {}) };
    return r;
  });
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'llm-schema',
            semanticVersion: ctx.version,
            version: ctx.version,
            informationUri: 'https://www.npmjs.com/package/llm-schema-registry',
            rules,
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
};
