import { UsageError } from '../../core/errors.js';
import type { FormatHandler } from '../../core/types.js';

const unsupported = (): never => {
  throw new UsageError('avro schemas are not supported yet');
};

export const avroHandler: FormatHandler = {
  format: 'avro',
  extension: '.avsc',
  parse: async () => unsupported(),
  canonical: unsupported,
  canonicalWithoutAnnotations: unsupported,
  compile: unsupported,
};
