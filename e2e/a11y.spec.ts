/**
 * An accessibility scan of every screen with axe-core (issue 13), at each window size and
 * colour scheme (contrast differs between the themes): no serious or critical violation.
 * Each screen's full axe result is attached to the report.
 */
import { writeFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from './fixtures.js';
import { walkScreens } from './screens.js';
import { VIEWS } from './views.js';

for (const view of VIEWS) {
  test.describe(view.name, () => {
    test.use({ viewport: view.viewport, colorScheme: view.colorScheme });

    test('no serious or critical accessibility violation on any screen', async ({
      appPage: page,
    }, testInfo) => {
      const found: string[] = [];
      await walkScreens(page, testInfo, async (name) => {
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
          .analyze();
        const path = testInfo.outputPath(`axe-${name}.json`);
        writeFileSync(path, JSON.stringify(result.violations, null, 2));
        await testInfo.attach(`axe-${name}.json`, { path, contentType: 'application/json' });
        for (const violation of result.violations) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
          const targets = violation.nodes
            .slice(0, 8)
            .map((node) => `${node.target.join(' ')}${contrastOf(node.any)}`);
          found.push(
            `[${name}] ${violation.impact} ${violation.id}: ${violation.help} — ${targets.join(', ')}`,
          );
        }
      });
      expect(found, found.join('\n')).toEqual([]);
    });
  });
}

/** For a contrast finding: " (fg on bg, ratio)", so the report says which colours. */
function contrastOf(checks: readonly { readonly data?: unknown }[]): string {
  const data = checks[0]?.data as
    | { fgColor?: string; bgColor?: string; contrastRatio?: number }
    | undefined;
  return data?.fgColor ? ` (${data.fgColor} on ${data.bgColor}, ${data.contrastRatio})` : '';
}
