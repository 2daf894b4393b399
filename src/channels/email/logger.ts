// The logger the email channel writes to: pino's shape, so the app passes its pino logger and tests a recorder.
export interface ChannelLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
