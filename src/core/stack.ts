// A persistent stack (newest first): pushing shares everything already there, so an immutable state can grow in O(1).

export type Stack<T> = { readonly top: T; readonly rest: Stack<T> } | undefined;

export function push<T>(stack: Stack<T>, value: T): Stack<T> {
  return { top: value, rest: stack };
}

/** Newest first, without building an array: readers that want only the latest few stop early. */
export function* newestFirst<T>(stack: Stack<T>): Generator<T> {
  for (let s = stack; s !== undefined; s = s.rest) yield s.top;
}

export function oldestFirst<T>(stack: Stack<T>): T[] {
  return [...newestFirst(stack)].reverse();
}
