/** What the stack and its services log with: lines for a person, errors apart (stdout and stderr in a terminal). */
export interface Logger {
  // Properties, not methods: services pass `log.info` on as a plain callback.
  info: (line: string) => void;
  error: (line: string) => void;
}
