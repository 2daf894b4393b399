// Types for `planer` (Mailgun talon's quotation stripper, ported to JavaScript), which ships none: only what we call.
declare module 'planer' {
  /** The message without the quoted reply chain below it. */
  export function extractFromPlain(text: string): string;
}
