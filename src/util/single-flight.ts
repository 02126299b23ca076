/**
 * One piece of work per key at a time: callers asking for a key whose work is
 * still running share its promise instead of racing (two starts building the
 * same template or image). The key is forgotten once the work settles, so a
 * failure is retried by the next caller.
 */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    let pending = this.#running.get(key);
    if (!pending) {
      pending = work().finally(() => this.#running.delete(key));
      this.#running.set(key, pending);
    }
    return pending;
  }
}
