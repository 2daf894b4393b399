// A rendered thread cut into the parts Anthropic's prompt cache can match: one per event, each sent as its own block.
//
// Anthropic looks a cached prefix up only at content-block boundaries (about 20 blocks back from a breakpoint), so
// the thread must reach it in blocks that stay byte for byte the same as it grows. Event tags start at column 0 and
// bodies are indented, so a blank line followed by a tag line is always the start of the next event.
const EVENT_START = /\n\n(?=<[a-z][a-z0-9_]*>\n)/;

export function cacheParts(context: string): string[] {
  return context.split(EVENT_START);
}
