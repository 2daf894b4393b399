// A reusable "something happened" signal with a timeout: a channel's source (the IMAP loop) sleeps on it until work, a drop or stop().
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  /** Wakes the current waiter, or the next one if nobody waits now (so a signal is never lost). */
  fire(): void {
    if (this.#resolve !== undefined) this.#resolve();
    else this.#pending = true;
  }

  /** Forgets a signal nobody waited for (e.g. the close event of a connection we closed ourselves). */
  clear(): void {
    this.#pending = false;
  }

  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }
}
