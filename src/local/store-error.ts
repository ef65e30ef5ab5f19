/**
 * An error of the local process store: a file or folder aos-ts keeps a
 * process in could not be written, read or trusted. Its message already says
 * what happened, names the file, and says what to do, so the CLI, the shell
 * and the node show it as it is (the node answers 507 when the disk is full,
 * 500 otherwise). `file` is the file or folder the message names.
 */
export abstract class StoreError extends Error {
  readonly file: string;
  constructor(message: string, file: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}
