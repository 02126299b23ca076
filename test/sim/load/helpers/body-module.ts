/** A body generator for bodyModule: request i gets its index and a seeded pick. */
export default (i: number, random: () => number) => ({ i, ticket: `T-${Math.floor(random() * 10_000)}` });
