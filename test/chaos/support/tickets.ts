/**
 * Body module for sim.load(): a fresh support ticket per request, so the
 * service's Redis cache never answers for it. The run id makes tickets of
 * two loads in one simulation differ, though both use the same seed.
 */
const run = `${process.pid}-${Date.now()}`;
const problems = ['arrived broken', 'was charged twice', 'cannot log in', 'is late', 'has a question'];

export default function ticket(i: number, random: () => number): object {
  const problem = problems[Math.floor(random() * problems.length)]!;
  return {
    customer: `cust-${run}-${i}`,
    subject: `Order ${run}-${i} ${problem}`,
    body: `Hello, my order ${run}-${i} ${problem}. Please help.`,
  };
}
