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

  /** Front first: no new traffic (the load balancer closes), then every supervisor stops its replicas. */
  async stopFront(loadBalancer: { close(): Promise<unknown> } | null, supervisors: Iterable<{ stop(): Promise<void> }>): Promise<void> {
    await this.attempt(loadBalancer ? () => loadBalancer.close() : undefined);
    await Promise.all([...supervisors].map((s) => this.attempt(() => s.stop())));
  }

  throwFirst(): void {
    if (this.#errors.length > 0) throw this.#errors[0];
  }
}
