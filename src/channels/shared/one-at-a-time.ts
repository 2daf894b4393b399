// One run at a time per key in this process, later calls queued behind the one in flight: what a notifier needs,
// since two concurrent runs for one thread would both see the same notification as unsent and send it twice.
export function oneAtATime<K, T>(): (key: K, task: () => Promise<T>) => Promise<T> {
  const running = new Map<K, Promise<T>>();
  return async (key, task) => {
    const previous = running.get(key);
    // A failed run does not stop the next one: each caller sees only its own outcome.
    const next = previous === undefined ? task() : previous.catch(() => undefined).then(task);
    running.set(key, next);
    try {
      return await next;
    } finally {
      if (running.get(key) === next) running.delete(key);
    }
  };
}
