/**
 * Support tickets for incident load: every request a ticket no one sent
 * before (so the service's cache misses and its dependencies are exercised),
 * worded from the load's seeded random so a seed repeats the same bodies.
 * `ticketsFor(phase)` keeps phases apart: each load starts again at i = 0.
 * With `repeat`, that fraction of requests resend one of 20 popular tickets.
 */
const SUBJECTS = ['Order arrived broken', 'Charged twice', 'Cannot log in', 'Where is my parcel', 'Refund please', 'App crashes on start', 'Great service, thanks'];
const DETAILS = ['the box was crushed', 'my card shows two payments', 'the password reset mail never comes', 'tracking has not moved for a week', 'I want my money back', 'it closes right after the splash screen', 'the support was excellent'];

const POPULAR = 20;

export function ticketsFor(phase: string, repeat = 0) {
  return (request: number, random: () => number) => {
    // Popular tickets are shared by every phase, like the same question asked again.
    const popular = repeat > 0 && random() < repeat;
    const i = popular ? Math.floor(random() * POPULAR) : request;
    const group = popular ? 'popular' : phase;
    // A popular ticket's words depend only on its number, so a resend is byte-identical (a cache hit).
    const pick = popular ? i % SUBJECTS.length : Math.floor(random() * SUBJECTS.length);
    return {
      customer: `cust-${group}-${i % 97}`,
      subject: `${SUBJECTS[pick]} (${group} #${i})`,
      body: `Hello, ${DETAILS[pick]}. Reference ${group}-${i}.`,
    };
  };
}
