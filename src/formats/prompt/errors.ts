import { RefusedError } from '../../model/errors.js';
import type { DataError } from '../../model/types.js';

/** The input of a render does not match the prompt's input schema (exit 1; HTTP 422). */
export class RenderInputError extends RefusedError {
  constructor(
    message: string,
    readonly errors: DataError[],
  ) {
    super(
      message,
      errors.map((e) => `${e.path || '/'}: ${e.message}`),
    );
  }
}
