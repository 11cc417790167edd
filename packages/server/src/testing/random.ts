/**
 * A seeded PRNG (mulberry32) giving whole numbers below `n`, so that a workload's choices
 * repeat (the interleaving of its concurrent calls does not: a run explores one schedule).
 * Its high bits are used, unlike `s % n` of a power-of-two LCG, whose low bits alternate
 * (every other `% 6` is odd) and so correlate the choices.
 */
export function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}
