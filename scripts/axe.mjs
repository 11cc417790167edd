// axe-core in pages that tests drive with playwright-core (the demo, the card frame): WCAG 2.2
// A and AA, with target size (2.5.8), which axe leaves off, and axe's best practices.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * What axe finds wrong in `page` as it is now, one line per element, its frames included (those
 * of another origin too: the card frame is on Settle's). `frame` (the iframe's selector) checks
 * only that frame's content, as part of the page: rules about whole pages leave it alone.
 */
export async function axeViolations(page, frame) {
  const frames = page.frames();
  for (const each of frames) {
    if (!(await each.evaluate(() => 'axe' in window))) await each.evaluate(axeSource);
    // Frames of another origin answer axe only when both sides allow it.
    await each.evaluate(() => window.axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] }));
  }
  const context = frame ? { fromFrames: [frame, 'body'] } : null;
  return page.evaluate(async (context) => {
    const { violations } = await window.axe.run(context ?? document, {
      resultTypes: ['violations'],
      rules: { 'target-size': { enabled: true } },
    });
    return violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.help}): ${n.target.join(' >> ')}\n${n.failureSummary}`),
    );
  }, context);
}
