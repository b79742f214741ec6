/**
 * Every check rule, once, from the family that emits it (buf's {ID, purpose, handler}; one file per family).
 * The order is the table's (SARIF's tool.driver.rules): settings, subjects, files, ids, references,
 * compatibility, versions, aliases.
 */
import type { CheckRule } from '../types.js';
import { ALIAS_RULES } from './aliases.js';
import { COMPATIBILITY_RULES } from './compatibility.js';
import { CONFIG_RULES } from './config.js';
import { FILE_RULES } from './files.js';
import { ID_RULES } from './ids.js';
import { REFERENCE_RULES } from './references.js';
import { SUBJECT_RULES } from './subjects.js';
import { VERSION_RULES } from './versions.js';

export const CHECK_RULE_FAMILIES: Readonly<Record<string, readonly CheckRule[]>> = {
  config: CONFIG_RULES,
  subjects: SUBJECT_RULES,
  files: FILE_RULES,
  ids: ID_RULES,
  references: REFERENCE_RULES,
  compatibility: COMPATIBILITY_RULES,
  versions: VERSION_RULES,
  aliases: ALIAS_RULES,
};

export const ALL_CHECK_RULES: readonly CheckRule[] = Object.values(CHECK_RULE_FAMILIES).flat();
