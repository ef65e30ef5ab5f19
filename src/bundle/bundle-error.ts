// The one error type the bundler throws: its message says what is wrong, where,
// and what to do, so the CLI and REPL can print it as is.

export type BundleErrorCode = 'missing-file' | 'missing-module' | 'cycle' | 'name-clash' | 'syntax';

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}
