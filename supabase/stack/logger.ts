/** What the stack and its services log with: lines for a person, errors apart (stdout and stderr in a terminal). */
export interface Logger {
  info(line: string): void;
  error(line: string): void;
}
