/**
 * Tearing a topology down: every step runs even when an earlier one failed
 * (a failed load balancer close must not leave replicas running), and the
 * first failure is thrown once all have run.
 */
export class StopSteps {
  readonly #errors: unknown[] = [];

  async attempt(step: (() => Promise<unknown>) | undefined): Promise<void> {
    try {
      await step?.();
    } catch (err) {
      this.#errors.push(err);
    }
  }

  throwFirst(): void {
    if (this.#errors.length > 0) throw this.#errors[0];
  }
}
