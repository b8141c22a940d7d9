/**
 * No console errors or warnings on any screen (issue 13), at each window size and colour
 * scheme, with a screenshot of every screen kept under test-results/ as an artifact. An
 * uncaught exception or a failed request of the app's own counts too.
 */
import type { ConsoleMessage } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { walkScreens } from './screens.js';
import { VIEWS } from './views.js';

for (const view of VIEWS) {
  test.describe(view.name, () => {
    test.use({ viewport: view.viewport, colorScheme: view.colorScheme });

    test('no console error or warning on any screen', async ({ appPage: page }, testInfo) => {
      const heard: string[] = [];
      let screen = 'start';
      const onConsole = (message: ConsoleMessage) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          const where = message.location();
          heard.push(
            `[${screen}] ${message.type()}: ${message.text()} (${where.url}:${where.lineNumber})`,
          );
        }
      };
      page.on('console', onConsole);
      page.on('pageerror', (error) => heard.push(`[${screen}] uncaught: ${error.message}`));
      page.on('requestfailed', (request) =>
        heard.push(`[${screen}] request failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      // What the first load said, before the listeners were on: load it again with them.
      await page.reload();
      await walkScreens(page, testInfo, async (name) => {
        screen = name;
        // Let late effects (a chart's first draw, a fetch) speak before leaving the screen.
        await page.waitForTimeout(300);
      });
      expect(heard, heard.join('\n')).toEqual([]);
    });
  });
}
