/**
 * The default load body for the sample service's `POST /triage`: a fresh
 * ticket per request. About one in four repeats an earlier subject and body,
 * so the service's Redis cache gets hits as it would in production; the rest
 * are new, so the LLM, sentiment API and Postgres see real traffic.
 */
const SUBJECTS = ['Charged twice', 'Cannot log in', 'Parcel never arrived', 'App crashes on start', 'Change my email', 'Refund please', 'Great service', 'Password reset link broken'];
const BODIES = [
  'I was charged twice for order {n}, please refund the second charge.',
  'Since this morning I cannot log in, the page says my password is wrong. Order {n}.',
  'My parcel for order {n} was due last week and never arrived. Where is it?',
  'The app crashes every time I open it after the update. Ticket {n}.',
  'Please change the email on my account, reference {n}.',
  'Thanks, the support for order {n} was excellent!',
];

export default function ticketBody(i: number, random: () => number): object {
  const repeat = random() < 0.25;
  const n = repeat ? Math.floor(random() * 20) : i;
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const subject = repeat ? SUBJECTS[n % SUBJECTS.length]! : `${pick(SUBJECTS)} #${n}`;
  const body = (repeat ? BODIES[n % BODIES.length]! : pick(BODIES)).replace('{n}', String(n));
  return { customer: `customer-${n % 500}`, subject, body };
}
