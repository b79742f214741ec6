import { UsageError } from '../../core/errors.js';
import type { FormatHandler } from '../../core/types.js';

const unsupported = (): never => {
  throw new UsageError('protobuf schemas are not supported yet');
};

export const protobufHandler: FormatHandler = {
  format: 'protobuf',
  extension: '.proto',
  parse: async () => unsupported(),
  canonical: unsupported,
  canonicalWithoutAnnotations: unsupported,
  compile: unsupported,
};
