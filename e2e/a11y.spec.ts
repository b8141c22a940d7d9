/**
 * An accessibility scan of every screen with axe-core (issue 13), at each window size and
 * colour scheme (contrast differs between the themes): no serious or critical violation.
 * Each screen's full axe result is attached to the report.
 */
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
        await testInfo.attach(`axe-${name}.json`, {
          body: JSON.stringify(result.violations, null, 2),
          contentType: 'application/json',
        });
        for (const violation of result.violations) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
          const targets = violation.nodes.map((node) => node.target.join(' ')).slice(0, 5);
          found.push(
            `[${name}] ${violation.impact} ${violation.id}: ${violation.help} — ${targets.join(', ')}`,
          );
        }
      });
      expect(found, found.join('\n')).toEqual([]);
    });
  });
}
